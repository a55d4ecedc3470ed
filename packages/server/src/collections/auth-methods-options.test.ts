import { describe, expect, it } from 'vitest';
import { normalizeCollection } from './schema.ts';
import { collectionToRow, rowToCollection } from './store.ts';

const provider = { name: 'github', clientId: 'id', clientSecret: 'top-secret' };

function users(extra: Record<string, unknown> = {}) {
  return normalizeCollection({
    name: 'users',
    type: 'auth',
    fields: [{ name: 'name', type: 'text' }],
    ...extra,
  });
}

describe('auth methods options', () => {
  it('gives auth collections PocketBase’s defaults', () => {
    const collection = users();
    expect(collection.oauth2).toEqual({
      enabled: false,
      mappedFields: { id: '', name: '', username: '', avatarURL: '' },
      providers: [],
    });
    expect(collection.otp).toEqual({ enabled: false, duration: 180, length: 8 });
    expect(collection.mfa).toEqual({ enabled: false, duration: 1800, rule: '' });
  });

  it('keeps a provider secret out of JSON, stores it, and keeps it when an update leaves it out', () => {
    const collection = users({ oauth2: { enabled: true, providers: [provider] } });
    expect(JSON.stringify(collection)).not.toContain('top-secret');
    expect(collection.oauth2?.providers[0]?.clientSecret).toBe('top-secret');
    const row = collectionToRow(collection);
    expect(row.options).toContain('top-secret');
    const loaded = rowToCollection(row);
    expect(JSON.stringify(loaded)).not.toContain('top-secret');
    const updated = normalizeCollection(
      { oauth2: { providers: [{ name: 'github', clientId: 'other-id' }] } },
      loaded,
    );
    expect(updated.oauth2?.providers[0]).toMatchObject({ clientId: 'other-id', pkce: null, extra: {} });
    expect(updated.oauth2?.providers[0]?.clientSecret).toBe('top-secret');
  });

  it('names every invalid option in its 400', () => {
    const attempt = () =>
      users({
        oauth2: {
          enabled: 'yes',
          mappedFields: { name: 'missing' },
          providers: [
            { name: 'nope', clientId: 'a', clientSecret: 'b' },
            { name: 'oidc', clientId: 'a', clientSecret: 'b' },
            { name: 'gitlab', clientSecret: 'b', authURL: 'ftp://x', pkce: 'on' },
            { name: 'gitlab', clientId: 'a', clientSecret: 'b' },
          ],
        },
        otp: { length: 2 },
        mfa: { enabled: 1, rule: 3 },
      });
    expect(attempt).toThrow(
      expect.objectContaining({
        details: {
          'oauth2.enabled': expect.objectContaining({ code: 'validation_invalid_bool' }),
          'oauth2.mappedFields.name': expect.objectContaining({ code: 'validation_unknown_field' }),
          'oauth2.providers.0.name': expect.objectContaining({ code: 'validation_invalid_provider' }),
          'oauth2.providers.1.authURL': expect.objectContaining({ code: 'validation_required' }),
          'oauth2.providers.1.tokenURL': expect.objectContaining({ code: 'validation_required' }),
          'oauth2.providers.2.clientId': expect.objectContaining({ code: 'validation_required' }),
          'oauth2.providers.2.authURL': expect.objectContaining({ code: 'validation_invalid_url' }),
          'oauth2.providers.2.pkce': expect.objectContaining({ code: 'validation_invalid_bool' }),
          'oauth2.providers.3.name': expect.objectContaining({ code: 'validation_not_unique' }),
          'otp.length': expect.objectContaining({ code: 'validation_invalid_number' }),
          'mfa.enabled': expect.objectContaining({ code: 'validation_invalid_bool' }),
          'mfa.rule': expect.objectContaining({ code: 'validation_invalid_rule' }),
        },
      }),
    );
  });

  it('refuses an MFA rule that does not compile', () => {
    expect(() => users({ mfa: { rule: 'nope = 1' } })).toThrow(
      expect.objectContaining({
        details: { 'mfa.rule': expect.objectContaining({ code: 'validation_invalid_rule' }) },
      }),
    );
    expect(users({ mfa: { rule: "name = 'strict'" } }).mfa?.rule).toBe("name = 'strict'");
  });

  it('keeps OAuth2 off for superusers', () => {
    expect(() =>
      normalizeCollection(
        { name: '_superusers', type: 'auth', system: true, oauth2: { enabled: true } },
        undefined,
        {
          allowSystem: true,
        },
      ),
    ).toThrow(expect.objectContaining({ details: { 'oauth2.enabled': expect.anything() } }));
  });

  it('accepts an OpenID Connect provider found by discovery', () => {
    const collection = users({
      oauth2: {
        providers: [
          { name: 'oidc', clientId: 'a', clientSecret: 'b', extra: { issuer: 'https://id.example' } },
        ],
      },
    });
    expect(collection.oauth2?.providers[0]?.extra).toEqual({ issuer: 'https://id.example' });
  });
});
