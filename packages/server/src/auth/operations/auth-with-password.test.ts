import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { bootstrapTestApp, KNOWN_USER } from '../../app/testing.ts';
import type { App } from '../../app/types.ts';
import { verifyPassword } from '../../records/password.ts';
import { authWithPassword } from './auth-with-password.ts';

vi.mock('../../records/password.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../records/password.ts')>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

const verify = vi.mocked(verifyPassword);

describe('authWithPassword', () => {
  let app: App;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ app, cleanup } = await bootstrapTestApp({ withKnownUser: true }));
  });

  afterAll(async () => {
    await cleanup?.();
  });

  beforeEach(() => {
    verify.mockClear();
  });

  const signIn = (identity: string, password: string) =>
    authWithPassword(app, app.services.records.collection('users'), { identity, password }, app.context());

  it('checks a password against a hash of the same cost when the identity is unknown', async () => {
    await expect(signIn(KNOWN_USER.email, 'wrong-password')).rejects.toThrow('Failed to authenticate.');
    expect(verify).toHaveBeenCalledTimes(1);
    const [, knownHash] = verify.mock.calls[0];
    verify.mockClear();

    await expect(signIn('missing@example.com', 'wrong-password')).rejects.toThrow('Failed to authenticate.');
    expect(verify).toHaveBeenCalledTimes(1);
    const [password, unknownHash] = verify.mock.calls[0];
    expect(password).toBe('wrong-password');
    const costOf = (hash: string) => hash.split('$').slice(0, 4).join('$');
    expect(costOf(unknownHash)).toBe(costOf(knownHash));
    expect(await verify.mock.results[0].value).toBe(false);
  });

  it('answers a missing identity and a wrong password alike', async () => {
    const failures = await Promise.all(
      [KNOWN_USER.email, 'missing@example.com'].map((identity) =>
        signIn(identity, 'wrong-password').catch((error: unknown) => error),
      ),
    );
    const [known, missing] = failures.map((error) => JSON.stringify(error));
    expect(missing).toBe(known);
  });
});
