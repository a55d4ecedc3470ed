import { describe, expect, it } from 'vitest';
import { handlerContext, runFilter, setupHooks } from '../extensions/testing.ts';
import { pocketbase } from '../extensions/vocabularies/pocketbase.ts';

// How PocketBase handlers see the mail hooks this folder emits.

const message = {
  from: { name: 'Support', address: 'support@example.com' },
  to: [{ address: 'root@example.com' }],
  subject: 'Reset',
  html: '<p>x</p>',
  text: 'x',
};
const meta = {
  event: 'mailer.password_reset',
  collection: '_superusers',
  collectionId: 'pbc_superusers',
  record: { id: 'a1', email: 'root@example.com' },
  meta: { token: 't', actionUrl: 'https://x/t' },
};

describe('PocketBase mailer hooks', () => {
  it('give e.message, e.admin, e.meta and e.mailClient (the mail service)', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { onMailerBeforeAdminResetPasswordSend, onMailerBeforeRecordResetPasswordSend } = pocketbase(
      vocabularyContext(),
    );
    const seen: unknown[] = [];
    onMailerBeforeAdminResetPasswordSend!((e) => {
      seen.push(e.admin?.get('email'), e.meta.actionUrl, e.mailClient);
      e.message.subject = 'Admin: new subject';
    });
    onMailerBeforeRecordResetPasswordSend!((e) => void seen.push(`record ${e.record?.id}`), 'users');
    const mail = { send: () => Promise.resolve() };
    const ctx = { ...handlerContext(), services: { mail } };
    const result = await runFilter(hooks, 'mailer.password_reset', message, meta, ctx, ['_superusers']);
    expect(result).toMatchObject({ subject: 'Admin: new subject', to: [{ address: 'root@example.com' }] });
    expect(seen).toEqual(['root@example.com', 'https://x/t', mail]);
  });
});
