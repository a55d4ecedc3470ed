import { Field } from '../ui/parts.tsx';

type Draft = Record<string, any>;

type Options = Record<string, any>;
interface Provider {
  name: string;
  clientId: string;
  /** Write-only: the server never sends it back, and keeps the stored one when it is left out. */
  clientSecret?: string;
  displayName?: string;
  [key: string]: unknown;
}

const PROVIDERS = [
  'google',
  'github',
  'gitlab',
  'discord',
  'facebook',
  'microsoft',
  'apple',
  'linkedin',
  'twitter',
  'oidc',
  'oidc2',
  'oidc3',
];

type Errors = Record<string, string>;
type Set = (key: string, value: unknown) => void;

/** An auth collection's sign-in options: password, token duration, OAuth2 providers, OTP and MFA. */
export function AuthOptions({ draft, errors, set }: { draft: Draft; errors: Errors; set: Set }) {
  const passwordAuth = draft.passwordAuth ?? { enabled: true, identityFields: ['email'] };
  return (
    <fieldset>
      <legend>Auth options</legend>
      <Check
        label="Sign-in with password"
        checked={passwordAuth.enabled}
        onChange={(enabled) => set('passwordAuth', { ...passwordAuth, enabled })}
      />
      <Field label="Identity fields" error={errors['passwordAuth.identityFields']}>
        {(props) => (
          <input
            {...props}
            value={(passwordAuth.identityFields ?? []).join(', ')}
            onChange={(event) =>
              set('passwordAuth', {
                ...passwordAuth,
                identityFields: event.currentTarget.value
                  .split(',')
                  .map((name) => name.trim())
                  .filter(Boolean),
              })
            }
          />
        )}
      </Field>
      <NumberOption
        label="Auth token duration (seconds)"
        path="authToken.duration"
        value={draft.authToken?.duration}
        errors={errors}
        onChange={(duration) => set('authToken', { ...draft.authToken, duration })}
      />
      <OAuth2Options
        oauth2={draft.oauth2 ?? { enabled: false, providers: [] }}
        errors={errors}
        onChange={(value) => set('oauth2', value)}
      />
      <OtpOptions
        otp={draft.otp ?? { enabled: false }}
        errors={errors}
        onChange={(value) => set('otp', value)}
      />
      <MfaOptions
        mfa={draft.mfa ?? { enabled: false }}
        errors={errors}
        onChange={(value) => set('mfa', value)}
      />
    </fieldset>
  );
}

function OAuth2Options({
  oauth2,
  errors,
  onChange,
}: {
  oauth2: Options;
  errors: Errors;
  onChange: (value: Options) => void;
}) {
  const providers: Provider[] = oauth2.providers ?? [];
  const setProvider = (index: number, change: Partial<Provider>) =>
    onChange({
      ...oauth2,
      providers: providers.map((provider, at) => (at === index ? { ...provider, ...change } : provider)),
    });
  return (
    <fieldset>
      <legend>OAuth2</legend>
      <Check
        label="Sign-in with OAuth2"
        checked={oauth2.enabled}
        onChange={(enabled) => onChange({ ...oauth2, enabled })}
      />
      {providers.map((provider, index) => {
        const path = `oauth2.providers.${index}`;
        return (
          <fieldset key={index} class="field-row" aria-label={`Provider ${provider.name || index + 1}`}>
            <Field label="Provider" error={errors[`${path}.name`]}>
              {(props) => (
                <select
                  {...props}
                  value={provider.name}
                  onChange={(event) => setProvider(index, { name: event.currentTarget.value })}
                >
                  {PROVIDERS.map((name) => (
                    <option key={name}>{name}</option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Client id" error={errors[`${path}.clientId`]}>
              {(props) => (
                <input
                  {...props}
                  value={provider.clientId ?? ''}
                  onInput={(event) => setProvider(index, { clientId: event.currentTarget.value })}
                />
              )}
            </Field>
            <Field
              label="Client secret"
              hint="Never shown; left empty, the stored one is kept."
              error={errors[`${path}.clientSecret`]}
            >
              {(props) => (
                <input
                  {...props}
                  type="password"
                  autoComplete="new-password"
                  value={provider.clientSecret ?? ''}
                  onInput={(event) =>
                    setProvider(index, { clientSecret: event.currentTarget.value || undefined })
                  }
                />
              )}
            </Field>
            <Field label="Display name" error={errors[`${path}.displayName`]}>
              {(props) => (
                <input
                  {...props}
                  value={provider.displayName ?? ''}
                  onInput={(event) => setProvider(index, { displayName: event.currentTarget.value })}
                />
              )}
            </Field>
            <button
              type="button"
              class="link"
              onClick={() => onChange({ ...oauth2, providers: providers.filter((_, at) => at !== index) })}
            >
              Remove provider {provider.name}
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() =>
          onChange({
            ...oauth2,
            providers: [
              ...providers,
              {
                name: PROVIDERS.find((name) => !providers.some((provider) => provider.name === name)),
                clientId: '',
              },
            ],
          })
        }
      >
        Add provider
      </button>
    </fieldset>
  );
}

function OtpOptions({
  otp,
  errors,
  onChange,
}: {
  otp: Options;
  errors: Errors;
  onChange: (value: Options) => void;
}) {
  return (
    <fieldset>
      <legend>One-time passwords</legend>
      <Check
        label="Sign-in with a one-time password"
        checked={otp.enabled}
        onChange={(enabled) => onChange({ ...otp, enabled })}
      />
      <NumberOption
        label="OTP duration (seconds)"
        path="otp.duration"
        value={otp.duration}
        errors={errors}
        onChange={(duration) => onChange({ ...otp, duration })}
      />
      <NumberOption
        label="OTP length"
        path="otp.length"
        value={otp.length}
        errors={errors}
        onChange={(length) => onChange({ ...otp, length })}
      />
    </fieldset>
  );
}

function MfaOptions({
  mfa,
  errors,
  onChange,
}: {
  mfa: Options;
  errors: Errors;
  onChange: (value: Options) => void;
}) {
  return (
    <fieldset>
      <legend>Multi-factor authentication</legend>
      <Check
        label="Ask for a second factor"
        checked={mfa.enabled}
        onChange={(enabled) => onChange({ ...mfa, enabled })}
      />
      <NumberOption
        label="MFA duration (seconds)"
        path="mfa.duration"
        value={mfa.duration}
        errors={errors}
        onChange={(duration) => onChange({ ...mfa, duration })}
      />
      <Field
        label="MFA rule"
        hint="A filter: MFA applies to the records it matches (blank: all)."
        error={errors['mfa.rule']}
      >
        {(props) => (
          <input
            {...props}
            class="code"
            value={mfa.rule ?? ''}
            onInput={(event) => onChange({ ...mfa, rule: event.currentTarget.value })}
          />
        )}
      </Field>
    </fieldset>
  );
}

function Check({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: unknown;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label class="check">
      <input
        type="checkbox"
        checked={Boolean(checked)}
        onChange={(event) => onChange(event.currentTarget.checked)}
      />
      {label}
    </label>
  );
}

function NumberOption({
  label,
  path,
  value,
  errors,
  onChange,
}: {
  label: string;
  path: string;
  value: unknown;
  errors: Errors;
  onChange: (value: number) => void;
}) {
  return (
    <Field label={label} error={errors[path]}>
      {(props) => (
        <input
          {...props}
          type="number"
          min={0}
          value={value === undefined || value === null ? '' : String(value)}
          onChange={(event) => onChange(Number(event.currentTarget.value))}
        />
      )}
    </Field>
  );
}
