import type { Core } from '../app/core.ts';

/** What one instance tells the others after a committed change. */
export type Notice = 'schema' | 'settings' | 'webhooks' | 'access';

/** Tells the other instances (if any) that the schema, the settings or the webhooks changed. */
export function announce(core: Core, notice: Notice): Promise<void> {
  return core.cluster?.publish(notice, {}, { settled: true }) ?? Promise.resolve();
}
