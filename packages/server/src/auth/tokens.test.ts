import { describe, expect, it } from 'vitest';
import type { Collection } from '../collections/types.ts';
import { fileTokenValid, peekAuthClaims, peekFileClaims, signAuthToken, signFileToken } from './tokens.ts';

const users = { id: 'pbc_users', name: 'users', fileToken: { duration: 60 } } as Collection;
const record = { id: 'u1', tokenKey: 'key-1' };

describe('file tokens', () => {
  it('carry {id, collectionId, type: "file"} and verify for the record’s current tokenKey only', async () => {
    const token = await signFileToken('secret', users, record);
    expect(peekFileClaims(token)).toMatchObject({ id: 'u1', collectionId: 'pbc_users', type: 'file' });
    expect(await fileTokenValid('secret', token, 'key-1')).toBe(true);
    expect(await fileTokenValid('secret', token, 'key-2')).toBe(false);
    expect(await fileTokenValid('other-secret', token, 'key-1')).toBe(false);
  });

  it('are not auth tokens, nor auth tokens file tokens', async () => {
    const file = await signFileToken('secret', users, record);
    const auth = await signAuthToken('secret', users, record);
    expect(peekAuthClaims(file)).toBeUndefined();
    expect(peekFileClaims(auth)).toBeUndefined();
    expect(await fileTokenValid('secret', auth, 'key-1')).toBe(false);
  });

  it('expire after the collection’s fileToken.duration', async () => {
    const token = await signFileToken('secret', users, record);
    const { exp, iat } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(exp - iat).toBe(60);
  });
});
