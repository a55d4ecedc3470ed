import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrapTestApp, KNOWN_USER } from '../../app/testing.ts';
import type { App } from '../../app/types.ts';
import { signRecordToken } from '../tokens.ts';
import { requestPasswordReset } from './request-password-reset.ts';

vi.mock('../tokens.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../tokens.ts')>();
  return { ...actual, signRecordToken: vi.fn(actual.signRecordToken) };
});

const sign = vi.mocked(signRecordToken);

describe('requestMailLink', () => {
  let app: App;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ app, cleanup } = await bootstrapTestApp({ withKnownUser: true }));
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('answers before making the link, so that an existing address takes no longer', async () => {
    const users = app.services.records.collection('users');
    await requestPasswordReset(app, users, { email: KNOWN_USER.email }, app.context());
    expect(sign).not.toHaveBeenCalled();
    await app.services.mail.idle();
    expect(sign).toHaveBeenCalledTimes(1);
  });
});
