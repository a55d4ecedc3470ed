import { Catalogue, type CatalogueRow, createHooks, type Hooks, type Logger } from '@sluice/hooks';
import { Cron } from 'croner';
import { events } from '../catalogue/events.ts';
import { pluginEventSender, toPluginEvent } from './plugin-events.ts';
import type { HandlerContext, ServerContext, VocabularyContext } from './types.ts';

export interface LogLine {
  level: string;
  details: any;
  message: string;
}

export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (details: object, message: string): void => {
      lines.push({ level, details, message });
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

/** A real engine on the real catalogue, and the context a vocabulary adapter is built from. */
/** `extraRows`: catalogue rows added to Sluice's own (a feature not built, say). */
export function setupHooks(extraRows: readonly CatalogueRow[] = []) {
  const { logger, lines } = recordingLogger();
  const catalogue = new Catalogue([...events, ...extraRows]);
  const hooks: Hooks<any, any> = createHooks({
    catalogue,
    logger,
    cron: (expression, run) => new Cron(expression, { paused: true }, run),
  });
  const vocabularyContext = (owner = 'hooks/test', plugin = 'test'): VocabularyContext => {
    const send = pluginEventSender(hooks);
    return {
      hooks,
      catalogue,
      owner,
      logger,
      dispatch: (input, ctx) => {
        const event = toPluginEvent(input, plugin);
        send(event, ctx);
        return event;
      },
    };
  };
  return { hooks, catalogue, logger, lines, vocabularyContext };
}

/** A handler context as the server builds it for an HTTP request. */
export function handlerContext(accountability: Partial<NonNullable<HandlerContext['accountability']>> = {}) {
  return {
    database: { transaction: true },
    accountability: { user: null, collection: null, admin: false, record: null, ...accountability },
    request: { url: '/api/collections/articles/records' },
    schema: { collections: [] },
    services: {},
    logger: undefined,
    env: {},
    state: {},
  } satisfies HandlerContext;
}

/** The tags and meta of a record event on collection `name`. */
export function recordEvent(name: string, action: 'create' | 'update' | 'delete', extra: object = {}) {
  const collectionId = `pbc_${name}`;
  return {
    tags: [name, collectionId],
    meta: { event: `records.${action}`, collection: name, collectionId, action, ...extra },
  };
}

/** Runs a filter chain to its end, whatever it returned. */
export async function runFilter(
  hooks: Hooks<any, any>,
  name: string,
  payload: unknown,
  meta: unknown,
  ctx: unknown,
  tags?: readonly string[],
) {
  return await hooks.runFilter(name, payload, meta, ctx, tags);
}

/**
 * The server's part of the extension context, empty: for loading extensions in tests without a
 * server. A hook file that uses a service at load time meets empty objects.
 */
export const withoutServer: ServerContext = {
  services: {} as ServerContext['services'],
  database: {} as ServerContext['database'],
  getSchema: async () => ({}) as Awaited<ReturnType<ServerContext['getSchema']>>,
};
