import { ForbiddenError, InvalidPayloadError } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import { inTransaction } from '../app/transaction.ts';
import type { HookContext } from '../context.ts';
import { PLUGIN_EVENT, toPluginEvent } from '../extensions/plugin-events.ts';
import type { HandlerContext, PluginEventSender } from '../extensions/types.ts';
import { isJsonObject } from '../json.ts';
import type { EventRecord } from '../outbox/event-record.ts';
import { recordEvent } from '../outbox/events.ts';
import { EventStream } from './stream.ts';

const PREFIX = 'plugin:';
const FIELD = /^[^\s/]+$/;

/**
 * Custom events (`plugin.event`): dispatched through `POST /api/events` by a plugin or a
 * superuser, or by an extension (`events.dispatch`). Each goes to the webhooks and plugins
 * subscribed to it (through the outbox), to the in-process `plugin.event` handlers, and to the
 * event stream.
 */
export class EventsService {
  readonly stream = new EventStream();

  constructor(private readonly app: Core) {}

  /**
   * `{user, source, kind, eventName, metadata}` → the event. A plugin (`plugin` its name)
   * dispatches under its own name only: `source` may be left out, or be its name (with or
   * without `plugin:`); a superuser names any source.
   */
  async dispatch(body: Record<string, unknown>, ctx: HookContext, plugin?: string): Promise<EventRecord> {
    const { user = null, source = plugin, kind, eventName, metadata = {} } = body;
    const problems: Record<string, { code: string; message: string }> = {};
    const word = 'Must be a non-empty string without spaces or "/".';
    if (typeof source !== 'string' || !FIELD.test(source))
      problems.source = { code: 'validation_invalid_source', message: word };
    if (typeof kind !== 'string' || !FIELD.test(kind))
      problems.kind = { code: 'validation_invalid_kind', message: word };
    if (typeof eventName !== 'string' || !FIELD.test(eventName))
      problems.eventName = { code: 'validation_invalid_event_name', message: word };
    if (user !== null && typeof user !== 'string')
      problems.user = { code: 'validation_invalid_type', message: 'Must be a string or null.' };
    if (!isJsonObject(metadata))
      problems.metadata = { code: 'validation_invalid_type', message: 'Must be an object.' };
    for (const key of Object.keys(body))
      if (!['user', 'source', 'kind', 'eventName', 'metadata'].includes(key))
        problems[key] = { code: 'validation_unknown_field', message: 'Unknown field.' };
    if (Object.keys(problems).length > 0) throw new InvalidPayloadError('Invalid event.', problems);
    const name = (source as string).startsWith(PREFIX) ? (source as string).slice(PREFIX.length) : source;
    if (plugin !== undefined && name !== plugin)
      throw new ForbiddenError(`The plugin "${plugin}" may only dispatch events of its own source.`);
    const event = toPluginEvent(
      {
        user: user as string | null,
        source: source as string,
        kind: kind as string,
        eventName: eventName as string,
        metadata: metadata as Record<string, unknown>,
      },
      plugin ?? '',
    );
    await this.#record(event, ctx);
    return event;
  }

  /** Where extensions' dispatched events go: once the write they are part of (if any) commits. */
  readonly sender: PluginEventSender = (event, ctx?: HandlerContext) => {
    const send = () =>
      this.#record(
        event,
        this.app.context({ accountability: (ctx as HookContext | undefined)?.accountability }),
      ).catch((error: unknown) =>
        this.app.logger.error({ err: error, event: event.id }, 'Recording a custom event failed.'),
      );
    const scope = (ctx as HookContext | undefined)?.scope;
    if (scope?.open) scope.onCommit(() => void send());
    else void send();
  };

  /** Its deliveries in one transaction; then, once it commits, the actions and the stream. */
  async #record(event: EventRecord, ctx: HookContext): Promise<void> {
    await inTransaction(this.app, ctx, async (tx) => {
      await recordEvent(tx, event);
      this.app.hooks.runAction(PLUGIN_EVENT, event, tx, event.tags);
    });
  }
}
