import { type ErrorDetails, InvalidPayloadError, NotFoundError, UnauthorizedError } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import { inTransaction } from '../app/transaction.ts';
import { newId } from '../collections/ids.ts';
import type { HookContext } from '../context.ts';
import { type Delivery, deliveryFromRow, OUTBOX } from '../outbox/store.ts';
import { nowDate } from '../records/dates.ts';
import { newSecret } from '../webhooks/input.ts';
import { type Triple, tripleOf } from '../webhooks/patterns.ts';
import type { WebhooksService } from '../webhooks/service.ts';
import { findEndpoint, listPage } from '../webhooks/store.ts';
import { urlProblem } from '../webhooks/targets.ts';
import { runWrite } from '../writes/pipeline.ts';
import { hashKey, keyFromHeader, newKey } from './keys.ts';
import { findPlugin, PLUGINS, type Plugin, type PluginRow, pluginFromRow, publicPlugin } from './store.ts';

/** What `GET /api/plugins/{id}` shows: the plugin, its hook and how its last delivery went. */
export interface PluginDetails extends Plugin {
  /** Where its deliveries go, as it registered; null until it registers with subscriptions. */
  hookUrl: string | null;
  /** False once its hook answered `410 Gone`, until it registers again. */
  enabled: boolean;
  subscriptions: Triple[];
  lastDelivery: Delivery | null;
}

/** What only a plugin's creator (and the plugin, with its key) is shown. */
export interface PluginCredentials extends Plugin {
  /** `slp_…`: sent as `Authorization: Bearer <key>`. Kept only as a hash: shown once. */
  key: string;
  /** `whsec_…`: deliveries to the plugin are signed with it. */
  secret: string;
}

/** A name usable as a custom event source `plugin:<name>` and in a `source/kind/eventName` triple. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const FIELD = /^[^\s/]+$/;
const MODEL_TAGS = [PLUGINS] as const;

const invalid = (field: string, code: string, message: string) =>
  new InvalidPayloadError(`Invalid ${field}.`, { [field]: { code, message } });

/** `/api/plugins`: remote plugins, their keys, and the hooks they register (docs/webhooks.md). */
export class PluginsService {
  constructor(
    private readonly app: Core,
    private readonly webhooks: WebhooksService,
  ) {}

  list(page: { page: number; perPage: number }) {
    return listPage(this.app.database.reader, PLUGINS, {}, page, pluginFromRow);
  }

  async view(id: string): Promise<PluginDetails> {
    const reader = this.app.database.reader;
    const plugin = await findPlugin(reader, 'id', id);
    if (!plugin) throw new NotFoundError(`Missing plugin "${id}".`);
    const hook = await findEndpoint(reader, id);
    const last = await reader
      .selectFrom(OUTBOX)
      .selectAll()
      .where('webhook', '=', id)
      .orderBy('updated', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return {
      ...publicPlugin(plugin),
      hookUrl: hook?.webhook.url ?? null,
      enabled: hook?.webhook.enabled ?? false,
      subscriptions: (hook?.webhook.events ?? []).flatMap((pattern) => tripleOf(pattern) ?? []),
      lastDelivery: last ? deliveryFromRow(last) : null,
    };
  }

  /** `{name}` → the plugin with its key and signing secret. */
  async create(body: Record<string, unknown>, ctx: HookContext): Promise<PluginCredentials> {
    const key = newKey();
    return inTransaction(this.app, ctx, (tx) =>
      runWrite(this.app, tx, {
        context: 'plugins',
        action: 'create',
        table: PLUGINS,
        tags: [],
        modelTags: MODEL_TAGS,
        meta: { collection: PLUGINS },
        input: body,
        prepare: (input) => this.#input(tx, input),
        store: async ({ name }) => {
          const now = nowDate();
          const row: PluginRow = {
            id: newId(),
            name,
            keyHash: hashKey(key),
            secret: newSecret(),
            created: now,
            updated: now,
          };
          await tx.database.insertInto(PLUGINS).values(row).execute();
          return row;
        },
        outcome: (row) => ({ record: publicPlugin(row), payload: publicPlugin(row), keys: [row.id] }),
      }),
    ).then((row) => ({ ...publicPlugin(row), key, secret: row.secret }));
  }

  /** A new key and signing secret; the old ones stop working at once. */
  async rotate(id: string, ctx: HookContext): Promise<PluginCredentials> {
    const key = newKey();
    const credentials = await inTransaction(this.app, ctx, async (tx) => {
      const current = await this.#find(tx, id);
      const rotated = await runWrite(this.app, tx, {
        context: 'plugins',
        action: 'update',
        table: PLUGINS,
        tags: [],
        modelTags: MODEL_TAGS,
        meta: { collection: PLUGINS, keys: [id] },
        input: {} as Record<string, unknown>,
        prepare: () => ({ keyHash: hashKey(key), secret: newSecret(), updated: nowDate() }),
        store: async (change) => {
          await tx.database.updateTable(PLUGINS).set(change).where('id', '=', id).execute();
          return { ...current, ...change };
        },
        outcome: (row) => ({
          record: publicPlugin(row),
          payload: {},
          keys: [id],
          previous: publicPlugin(current),
        }),
      });
      const hook = await findEndpoint(tx.database, id);
      // reloading the webhooks inside this transaction would wait on it (SQLite has one writer
      // connection): they are reloaded once it has committed
      if (hook) await this.webhooks.saveHook(rotated, hook.webhook, tx, { reload: false });
      return { ...publicPlugin(rotated), key, secret: rotated.secret };
    });
    return this.webhooks.changed(credentials);
  }

  /** Removes the plugin, its hook and the deliveries still waiting for it. */
  async delete(id: string, ctx: HookContext): Promise<void> {
    await inTransaction(this.app, ctx, async (tx) => {
      const current = await this.#find(tx, id);
      const hook = await findEndpoint(tx.database, id);
      if (hook) await this.webhooks.removeEndpoint(tx, hook.webhook);
      await runWrite(this.app, tx, {
        context: 'plugins',
        action: 'delete',
        table: PLUGINS,
        tags: [],
        modelTags: MODEL_TAGS,
        meta: { collection: PLUGINS },
        input: [id],
        // the model filter gets the row, as a record's does
        prepare: () => publicPlugin(current),
        store: async () => {
          await tx.database.deleteFrom(PLUGINS).where('id', '=', id).execute();
        },
        outcome: (_stored, keys) => ({ record: publicPlugin(current), payload: keys, keys }),
      });
    });
    await this.webhooks.changed(undefined);
  }

  /** The plugin whose key an `Authorization` header carries; a 401 otherwise. */
  async authenticate(header: string | undefined): Promise<PluginRow> {
    const key = keyFromHeader(header);
    const plugin = key && (await findPlugin(this.app.database.reader, 'keyHash', hashKey(key)));
    if (!plugin) throw new UnauthorizedError('A valid plugin key is required (Authorization: Bearer <key>).');
    return plugin;
  }

  /**
   * `{hookUrl, subscriptions: [{source, kind, eventName}]}` from the plugin itself: where its
   * deliveries go and which events it wants (`*` in any field). Each registration replaces the
   * last, and enables the hook again. Answers the plugin's details and its signing secret.
   */
  async register(
    plugin: PluginRow,
    body: Record<string, unknown>,
    ctx: HookContext,
  ): Promise<PluginDetails & { secret: string }> {
    const problems: ErrorDetails = {};
    const { hookUrl, subscriptions } = body;
    const urlWhy = typeof hookUrl === 'string' ? urlProblem(hookUrl, true) : 'Must be an http(s) URL.';
    if (urlWhy) problems.hookUrl = { code: 'validation_invalid_url', message: urlWhy };
    const events = Array.isArray(subscriptions) ? subscriptions.map(patternOf) : [undefined];
    if (events.some((event) => event === undefined))
      problems.subscriptions = {
        code: 'validation_invalid_subscriptions',
        message: 'Must be a list of {source, kind, eventName}, each a non-empty word or "*".',
      };
    for (const key of Object.keys(body))
      if (key !== 'hookUrl' && key !== 'subscriptions')
        problems[key] = { code: 'validation_unknown_field', message: 'Unknown field.' };
    if (Object.keys(problems).length > 0) throw new InvalidPayloadError('Invalid registration.', problems);
    const patterns = events as string[];
    if (patterns.length > 0)
      await this.webhooks.saveHook(plugin, { url: hookUrl as string, events: patterns }, ctx);
    else {
      const hook = await findEndpoint(this.app.database.db, plugin.id);
      if (hook) {
        await inTransaction(this.app, ctx, (tx) => this.webhooks.removeEndpoint(tx, hook.webhook));
        await this.webhooks.changed(undefined);
      }
    }
    return { ...(await this.view(plugin.id)), secret: plugin.secret };
  }

  async #find(tx: HookContext, id: string): Promise<PluginRow> {
    const plugin = await findPlugin(tx.database, 'id', id);
    if (!plugin) throw new NotFoundError(`Missing plugin "${id}".`);
    return plugin;
  }

  async #input(tx: HookContext, body: Record<string, unknown>): Promise<{ name: string }> {
    for (const key of Object.keys(body))
      if (key !== 'name') throw invalid(key, 'validation_unknown_field', 'Unknown field.');
    const { name } = body;
    if (typeof name !== 'string' || !NAME.test(name))
      throw invalid(
        'name',
        'validation_invalid_name',
        'Must be letters, digits, ".", "_" or "-" (up to 100).',
      );
    if (await findPlugin(tx.database, 'name', name))
      throw invalid('name', 'validation_not_unique', 'A plugin has this name already.');
    return { name };
  }
}

/** `{source, kind, eventName}` written as the triple pattern `source/kind/eventName`. */
function patternOf(subscription: unknown): string | undefined {
  if (subscription === null || typeof subscription !== 'object') return undefined;
  const { source, kind, eventName } = subscription as Record<string, unknown>;
  const fields = [source, kind, eventName];
  if (!fields.every((field) => typeof field === 'string' && FIELD.test(field))) return undefined;
  return fields.join('/');
}
