import { useState } from 'preact/hooks';
import { pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, formatDate, LoadState } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';

interface HooksRegistry {
  extensions: {
    id: string;
    extension: string;
    path: string;
    vocabulary: string | null;
    error: string | null;
  }[];
  hooks: { extension: string; kind: string; event: string; tags: string[]; priority: number }[];
  schedules: {
    extension: string;
    expression: string;
    nextRun: string | null;
    lastRun?: string | null;
    running: boolean;
    runs: number;
    skipped: number;
    lockSkipped: number;
  }[];
}

/** What is registered: extensions with their load errors, each hook, each schedule. */
export function HooksPage() {
  const registry = useLoad(() => pb.send<HooksRegistry>('/api/hooks', {}), []);
  return (
    <section>
      <div class="heading">
        <h1>Hooks</h1>
        <button type="button" onClick={() => void registry.reload()}>
          Refresh
        </button>
      </div>
      <LoadState loaded={registry} feature="The hooks registry">
        {({ extensions, hooks, schedules }) => (
          <>
            <h2>Extensions</h2>
            {extensions.length === 0 ? <p class="hint">No extension is loaded.</p> : null}
            <ul class="cards" aria-label="Extensions">
              {extensions.map((extension) => (
                <li key={extension.extension} class={`card${extension.error ? ' failed' : ''}`}>
                  <strong>{extension.extension}</strong>
                  {extension.vocabulary ? <span class="tag">{extension.vocabulary}</span> : null}
                  <code class="hint">{extension.path}</code>
                  {extension.error ? (
                    <p class="error-text">
                      <span class="tag danger">load error</span> {extension.error}
                    </p>
                  ) : (
                    <span class="tag ok">loaded</span>
                  )}
                </li>
              ))}
            </ul>
            <h2>Hooks</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Tags</th>
                    <th scope="col">Priority</th>
                    <th scope="col">Extension</th>
                  </tr>
                </thead>
                <tbody>
                  {hooks.map((hook, index) => (
                    <tr key={index}>
                      <td>
                        <code>{hook.event}</code>
                      </td>
                      <td>{hook.kind}</td>
                      <td>{hook.tags.join(', ')}</td>
                      <td>{hook.priority}</td>
                      <td>{hook.extension}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h2>Schedules</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Cron</th>
                    <th scope="col">Extension</th>
                    <th scope="col">Last run</th>
                    <th scope="col">Next run</th>
                    <th scope="col">Runs</th>
                    <th scope="col">Skipped ticks</th>
                    <th scope="col">Running</th>
                  </tr>
                </thead>
                <tbody>
                  {schedules.map((schedule, index) => (
                    <tr key={index}>
                      <td>
                        <code>{schedule.expression}</code>
                      </td>
                      <td>{schedule.extension}</td>
                      <td>{schedule.lastRun ? formatDate(schedule.lastRun) : '—'}</td>
                      <td>{formatDate(schedule.nextRun)}</td>
                      <td>{schedule.runs}</td>
                      <td>
                        {schedule.skipped} (lock: {schedule.lockSkipped})
                      </td>
                      <td>{schedule.running ? 'yes' : 'no'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <RunNow onRan={() => void registry.reload()} />
          </>
        )}
      </LoadState>
    </section>
  );
}

/** "Run now" for each cron job, through PocketBase's crons API (`GET /api/crons`, `POST /api/crons/{id}`). */
function RunNow({ onRan }: { onRan: () => void }) {
  const crons = useLoad(() => pb.send<{ id: string; expression: string }[]>('/api/crons', {}), []);
  const [ran, setRan] = useState<string>();
  const run = useSubmit(async (id: string) => {
    setRan(undefined);
    await pb.send(`/api/crons/${encodeURIComponent(id)}`, { method: 'POST' });
    setRan(id);
    onRan();
  });
  if (crons.missing) return <p class="hint">Running a schedule now is not available on this server.</p>;
  return (
    <>
      <h3>Run a schedule now</h3>
      {run.error ? <Banner>{run.error}</Banner> : null}
      {ran ? <Banner kind="ok">{ran} ran.</Banner> : null}
      <LoadState loaded={crons} feature="Running a schedule now">
        {(jobs) => (
          <ul class="cards" aria-label="Cron jobs">
            {jobs.map((job) => (
              <li key={job.id} class="card">
                <code>{job.id}</code>
                <code class="hint">{job.expression}</code>
                <button type="button" disabled={run.busy} onClick={() => void run.submit(job.id)}>
                  Run now<span class="visually-hidden"> {job.id}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </LoadState>
    </>
  );
}
