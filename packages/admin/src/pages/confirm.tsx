import { getTokenPayload } from 'pocketbase';
import { useState } from 'preact/hooks';
import { pb } from '../api.ts';
import { Banner, Field } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';

const TITLES: Record<string, string> = {
  'confirm-password-reset': 'Reset your password',
  'confirm-verification': 'Verify your email',
  'confirm-email-change': 'Confirm your new email',
};

/** The pages the auth mails link to: `#/auth/<action>/<token>`, for any auth collection. */
export function ConfirmPage({ action, token }: { action: string; token: string }) {
  const claims = getTokenPayload(token) as { collectionId?: string; email?: string; newEmail?: string };
  const [password, setPassword] = useState('');
  const [passwordConfirm, setPasswordConfirm] = useState('');
  const [done, setDone] = useState(false);
  const title = TITLES[action];
  const { busy, error, errors, submit } = useSubmit(async () => {
    const collection = pb.collection(claims.collectionId ?? '');
    if (action === 'confirm-password-reset')
      await collection.confirmPasswordReset(token, password, passwordConfirm);
    else if (action === 'confirm-verification') await collection.confirmVerification(token);
    else await collection.confirmEmailChange(token, password);
    setDone(true);
  });
  if (!title || !claims.collectionId)
    return (
      <main class="centered">
        <div class="card narrow">
          <Banner>This link is not valid.</Banner>
        </div>
      </main>
    );
  return (
    <main class="centered">
      <form
        class="card narrow"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h1>{title}</h1>
        {done ? (
          <Banner kind="ok">
            {action === 'confirm-password-reset'
              ? 'Your password was changed. You can sign in with it now.'
              : action === 'confirm-verification'
                ? 'Your email is verified.'
                : 'Your email was changed.'}
          </Banner>
        ) : (
          <>
            {error ? <Banner>{error}</Banner> : null}
            {claims.email || claims.newEmail ? <p>{claims.newEmail ?? claims.email}</p> : null}
            {action !== 'confirm-verification' ? (
              <Field
                label={action === 'confirm-password-reset' ? 'New password' : 'Your password'}
                error={errors.password}
              >
                {(props) => (
                  <input
                    {...props}
                    type="password"
                    required
                    autoComplete={action === 'confirm-password-reset' ? 'new-password' : 'current-password'}
                    value={password}
                    onInput={(event) => setPassword(event.currentTarget.value)}
                  />
                )}
              </Field>
            ) : null}
            {action === 'confirm-password-reset' ? (
              <Field label="Confirm new password" error={errors.passwordConfirm}>
                {(props) => (
                  <input
                    {...props}
                    type="password"
                    required
                    autoComplete="new-password"
                    value={passwordConfirm}
                    onInput={(event) => setPasswordConfirm(event.currentTarget.value)}
                  />
                )}
              </Field>
            ) : null}
            <button type="submit" class="primary" disabled={busy}>
              {action === 'confirm-verification' ? 'Verify' : 'Confirm'}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
