import { useState } from 'preact/hooks';
import { pb, SUPERUSERS } from '../api.ts';
import { Banner, Field } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    await pb.collection(SUPERUSERS).authWithPassword(email, password);
  });
  return (
    <main class="centered">
      <form
        class="card narrow"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h1>Sign in</h1>
        <p class="hint">Superusers of this Sluice server.</p>
        {error ? <Banner>{error}</Banner> : null}
        <Field label="Email">
          {(props) => (
            <input
              {...props}
              type="email"
              autoComplete="username"
              required
              value={email}
              onInput={(event) => setEmail(event.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Password">
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
