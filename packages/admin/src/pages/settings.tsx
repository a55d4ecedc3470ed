import { useState } from 'preact/hooks';
import { pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, Field, LoadState } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';

type Settings = Record<string, Record<string, any>>;
type Input = {
  group: string;
  key: string;
  label: string;
  type?: 'text' | 'number' | 'bool' | 'password' | 'email' | 'url';
  /** A choice among these values instead of free text. */
  choices?: string[];
  /** Shown only while this storage driver is chosen. */
  driver?: string;
};

const driverInputs = (driver: string, inputs: Omit<Input, 'group' | 'driver'>[]): Input[] =>
  inputs.map((input) => ({ ...input, group: driver, driver }));

const SECTIONS: { title: string; inputs: Input[] }[] = [
  {
    title: 'Application',
    inputs: [
      { group: 'meta', key: 'appName', label: 'Application name' },
      { group: 'meta', key: 'appURL', label: 'Application URL', type: 'url' },
    ],
  },
  {
    title: 'Mail',
    inputs: [
      { group: 'meta', key: 'senderName', label: 'Sender name' },
      { group: 'meta', key: 'senderAddress', label: 'Sender address', type: 'email' },
      { group: 'smtp', key: 'enabled', label: 'Send mail over SMTP', type: 'bool' },
      { group: 'smtp', key: 'host', label: 'SMTP host' },
      { group: 'smtp', key: 'port', label: 'SMTP port', type: 'number' },
      { group: 'smtp', key: 'username', label: 'SMTP username' },
      { group: 'smtp', key: 'password', label: 'SMTP password (kept when empty)', type: 'password' },
      { group: 'smtp', key: 'tls', label: 'TLS from the start', type: 'bool' },
    ],
  },
  {
    title: 'Storage',
    inputs: [
      {
        group: 'storage',
        key: 'driver',
        label: 'Storage driver',
        choices: ['local', 's3', 'ftp', 'gcs', 'cloudinary'],
      },
      { group: 's3', key: 'enabled', label: 'Store files in S3', type: 'bool' },
      { group: 's3', key: 'bucket', label: 'Bucket' },
      { group: 's3', key: 'region', label: 'Region' },
      { group: 's3', key: 'endpoint', label: 'Endpoint', type: 'url' },
      { group: 's3', key: 'accessKey', label: 'Access key' },
      { group: 's3', key: 'secret', label: 'Secret (kept when empty)', type: 'password' },
      { group: 's3', key: 'forcePathStyle', label: 'Path-style addressing', type: 'bool' },
      ...driverInputs('ftp', [
        { key: 'host', label: 'FTP host' },
        { key: 'port', label: 'FTP port', type: 'number' },
        { key: 'user', label: 'FTP user' },
        { key: 'password', label: 'FTP password (kept when empty)', type: 'password' },
        { key: 'secure', label: 'FTPS', type: 'bool' },
        { key: 'root', label: 'FTP root folder' },
      ]),
      ...driverInputs('gcs', [
        { key: 'bucket', label: 'GCS bucket' },
        { key: 'projectId', label: 'GCS project id' },
        { key: 'endpoint', label: 'GCS endpoint', type: 'url' },
        { key: 'clientEmail', label: 'GCS client email', type: 'email' },
        { key: 'privateKey', label: 'GCS private key (kept when empty)', type: 'password' },
      ]),
      ...driverInputs('cloudinary', [
        { key: 'cloudName', label: 'Cloudinary cloud name' },
        { key: 'apiKey', label: 'Cloudinary API key' },
        { key: 'apiSecret', label: 'Cloudinary API secret (kept when empty)', type: 'password' },
        { key: 'apiHost', label: 'Cloudinary API host', type: 'url' },
        { key: 'folder', label: 'Cloudinary folder' },
      ]),
    ],
  },
];

const SECRETS = new Set([
  'smtp.password',
  's3.secret',
  'ftp.password',
  'gcs.privateKey',
  'cloudinary.apiSecret',
]);

export function SettingsPage() {
  const loaded = useLoad(() => pb.settings.getAll() as Promise<Settings>, []);
  return (
    <section>
      <h1>Settings</h1>
      <LoadState loaded={loaded} feature="Settings">
        {(settings) => <SettingsForm initial={settings} />}
      </LoadState>
    </section>
  );
}

function SettingsForm({ initial }: { initial: Settings }) {
  const [settings, setSettings] = useState<Settings>(() => {
    const copy: Settings = structuredClone(initial);
    for (const path of SECRETS) {
      const [group, key] = path.split('.');
      if (copy[group]) copy[group][key] = '';
    }
    return copy;
  });
  const [saved, setSaved] = useState(false);
  const set = (group: string, key: string, value: unknown) => {
    setSaved(false);
    setSettings((current) => ({ ...current, [group]: { ...current[group], [key]: value } }));
  };
  const save = useSubmit(async () => {
    const body: Settings = {};
    for (const { inputs } of SECTIONS)
      for (const { group, key } of inputs) {
        if (settings[group]?.[key] === undefined || (SECRETS.has(`${group}.${key}`) && !settings[group][key]))
          continue;
        body[group] = { ...body[group], [key]: settings[group][key] };
      }
    await pb.settings.update(body);
    setSaved(true);
  });
  return (
    <form
      class="editor"
      onSubmit={(event) => {
        event.preventDefault();
        void save.submit();
      }}
    >
      {save.error ? <Banner>{save.error}</Banner> : null}
      {saved ? <Banner kind="ok">Saved.</Banner> : null}
      {SECTIONS.filter(({ inputs }) => settings[inputs[0].group]).map(({ title, inputs }) => (
        <fieldset key={title}>
          <legend>{title}</legend>
          {inputs
            .filter(({ driver }) => !driver || driver === (settings.storage?.driver ?? 'local'))
            .map(({ group, key, label, type = 'text', choices }) =>
              choices ? (
                <Field key={key} label={label} error={save.errors[`${group}.${key}`]}>
                  {(props) => (
                    <select
                      {...props}
                      value={settings[group]?.[key] ?? choices[0]}
                      onChange={(event) => set(group, key, event.currentTarget.value)}
                    >
                      {choices.map((choice) => (
                        <option key={choice}>{choice}</option>
                      ))}
                    </select>
                  )}
                </Field>
              ) : type === 'bool' ? (
                <label key={key} class="check">
                  <input
                    type="checkbox"
                    checked={Boolean(settings[group]?.[key])}
                    onChange={(event) => set(group, key, event.currentTarget.checked)}
                  />
                  {label}
                </label>
              ) : (
                <Field key={key} label={label} error={save.errors[`${group}.${key}`]}>
                  {(props) => (
                    <input
                      {...props}
                      type={type as 'text'}
                      autoComplete={type === 'password' ? 'new-password' : 'off'}
                      value={settings[group]?.[key] ?? ''}
                      onInput={(event) =>
                        set(
                          group,
                          key,
                          type === 'number' ? Number(event.currentTarget.value) : event.currentTarget.value,
                        )
                      }
                    />
                  )}
                </Field>
              ),
            )}
          {title === 'Mail' ? <TestEmail /> : title === 'Storage' ? <TestStorage /> : null}
        </fieldset>
      ))}
      <div class="actions">
        <button type="submit" class="primary" disabled={save.busy}>
          Save settings
        </button>
      </div>
    </form>
  );
}

function TestEmail() {
  const [to, setTo] = useState('');
  const [sent, setSent] = useState(false);
  const test = useSubmit(async () => {
    setSent(false);
    await pb.settings.testEmail('_superusers', to, 'test');
    setSent(true);
  });
  return (
    <div class="inline-test">
      <Field label="Send a test email to" error={test.errors.email}>
        {(props) => (
          <input {...props} type="email" value={to} onInput={(event) => setTo(event.currentTarget.value)} />
        )}
      </Field>
      <button type="button" disabled={test.busy || to === ''} onClick={() => void test.submit()}>
        Send test email
      </button>
      {test.error && !test.errors.email ? <Banner>{test.error}</Banner> : null}
      {sent ? <Banner kind="ok">Test email sent to {to}.</Banner> : null}
    </div>
  );
}

function TestStorage() {
  const [tested, setTested] = useState(false);
  const test = useSubmit(async () => {
    setTested(false);
    await pb.send('/api/settings/test/storage', { method: 'POST' });
    setTested(true);
  });
  return (
    <div class="inline-test">
      <button type="button" disabled={test.busy} onClick={() => void test.submit()}>
        Test the storage connection
      </button>
      {test.error ? <Banner>{test.errors.storage ?? test.error}</Banner> : null}
      {tested ? (
        <Banner kind="ok">The saved storage settings work: a probe was written and removed.</Banner>
      ) : null}
    </div>
  );
}
