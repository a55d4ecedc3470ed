import { pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { formatDate, LoadState } from '../ui/parts.tsx';

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
          </>
        )}
      </LoadState>
    </section>
  );
}
