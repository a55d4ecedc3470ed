import { useState } from 'preact/hooks';
import { pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, Field, formatDate, LoadState } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';

interface Backup {
  key: string;
  size: number;
  modified: string;
}

const kilobytes = (size: number) => `${(size / 1024).toFixed(1)} kB`;

/** The backups: make one, download, restore or delete each. */
export function BackupsPage() {
  const backups = useLoad(() => pb.backups.getFullList() as Promise<Backup[]>, []);
  const [name, setName] = useState('');
  const [notice, setNotice] = useState<string>();
  const create = useSubmit(async () => {
    setNotice(undefined);
    await pb.backups.create(name);
    setNotice(`Backup ${name || 'made'}${name ? ' made' : ''}.`);
    setName('');
    await backups.reload();
  });
  const restore = useSubmit(async (backup: Backup) => {
    if (!confirm(`Replace every piece of data with backup ${backup.key}?`)) return;
    setNotice(undefined);
    await pb.backups.restore(backup.key);
    setNotice(`Restored ${backup.key}.`);
  });
  const remove = useSubmit(async (backup: Backup) => {
    if (!confirm(`Delete backup ${backup.key}?`)) return;
    setNotice(undefined);
    await pb.backups.delete(backup.key);
    setNotice(`Deleted ${backup.key}.`);
    await backups.reload();
  });
  const failure = create.error ?? restore.error ?? remove.error;
  return (
    <section>
      <h1>Backups</h1>
      <form
        class="toolbar"
        aria-label="New backup"
        onSubmit={(event) => {
          event.preventDefault();
          void create.submit();
        }}
      >
        <Field label="Backup name (optional, ending in .zip)" error={create.errors.name}>
          {(props) => (
            <input {...props} value={name} onInput={(event) => setName(event.currentTarget.value)} />
          )}
        </Field>
        <button type="submit" disabled={create.busy}>
          Make a backup
        </button>
      </form>
      {failure ? <Banner>{failure}</Banner> : null}
      {notice ? <Banner kind="ok">{notice}</Banner> : null}
      <LoadState loaded={backups} feature="Backups">
        {(items) => (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">key</th>
                  <th scope="col">size</th>
                  <th scope="col">modified</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {items.map((backup) => (
                  <tr key={backup.key}>
                    <td>{backup.key}</td>
                    <td>{kilobytes(backup.size)}</td>
                    <td>{formatDate(backup.modified)}</td>
                    <td class="row">
                      <a
                        href={pb.backups.getDownloadURL(pb.authStore.token, backup.key)}
                        download={backup.key}
                      >
                        Download<span class="visually-hidden"> {backup.key}</span>
                      </a>
                      <button
                        type="button"
                        disabled={restore.busy}
                        onClick={() => void restore.submit(backup)}
                      >
                        Restore<span class="visually-hidden"> {backup.key}</span>
                      </button>
                      <button type="button" disabled={remove.busy} onClick={() => void remove.submit(backup)}>
                        Delete<span class="visually-hidden"> {backup.key}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LoadState>
    </section>
  );
}
