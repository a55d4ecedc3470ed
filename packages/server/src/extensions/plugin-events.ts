import { randomUUID } from 'node:crypto';
import type { Hooks } from '@sluice/hooks';
import type { HandlerContext, PluginEvent, PluginEventInput, PluginEventSender } from './types.ts';

export const PLUGIN_EVENT = 'plugin.event';
const PREFIX = 'plugin:';

/**
 * The event record of a custom event an extension dispatches. Its source always carries the
 * `plugin:` prefix (added once), and defaults to the extension's id.
 */
export function toPluginEvent(input: PluginEventInput, extensionId: string): PluginEvent {
  if (!input || typeof input.kind !== 'string' || typeof input.eventName !== 'string') {
    throw new TypeError('A dispatched event needs a `kind` and an `eventName`.');
  }
  const given = input.source ?? extensionId;
  const source = given.startsWith(PREFIX) ? given : `${PREFIX}${given}`;
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    source,
    kind: input.kind,
    eventName: input.eventName,
    name: PLUGIN_EVENT,
    // so that registrations can restrict themselves to one field
    tags: [source, input.kind, input.eventName],
    user: input.user ?? null,
    metadata: input.metadata ?? {},
  };
}

/** Emits the `plugin.event` action; with a context open on a transaction, after it commits. */
export function pluginEventSender(hooks: Hooks<any, any>): PluginEventSender {
  return (event: PluginEvent, ctx?: HandlerContext) => hooks.runAction(PLUGIN_EVENT, event, ctx, event.tags);
}
