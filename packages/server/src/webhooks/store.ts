import type { Kysely } from 'kysely';

export const WEBHOOKS = '_webhooks';

/** A webhook endpoint as the API shows it (to superusers only: the secret included). */
export interface Webhook {
  id: string;
  url: string;
  /** Catalogue patterns: `records.create`, `records.*`, `*.create`. */
  events: string[];
  /** When not empty, only events carrying one of these tags (a record's collection name or id). */
  tags: string[];
  /** `whsec_` and base64: the Standard Webhooks signing secret. */
  secret: string;
  enabled: boolean;
  description: string;
  created: string;
  updated: string;
}

export function webhookFromRow(row: Record<string, unknown>): Webhook {
  return {
    id: String(row.id),
    url: String(row.url),
    events: JSON.parse(String(row.events)) as string[],
    tags: JSON.parse(String(row.tags)) as string[],
    secret: String(row.secret),
    enabled: Number(row.enabled) === 1,
    description: String(row.description),
    created: String(row.created),
    updated: String(row.updated),
  };
}

/** `plugin`: the plugin whose hook the row is ('' for a webhook of the API). */
export function rowFromWebhook(webhook: Webhook, plugin = ''): Record<string, unknown> {
  return {
    ...webhook,
    events: JSON.stringify(webhook.events),
    tags: JSON.stringify(webhook.tags),
    enabled: webhook.enabled ? 1 : 0,
    plugin,
  };
}

/** A webhook of the API: not one of the plugins' endpoints. */
export async function findWebhook(executor: Kysely<any>, id: string): Promise<Webhook | undefined> {
  const row = await executor
    .selectFrom(WEBHOOKS)
    .selectAll()
    .where('id', '=', id)
    .where('plugin', '=', '')
    .executeTakeFirst();
  return row ? webhookFromRow(row) : undefined;
}

/** Where deliveries go: a webhook, or a plugin's hook (`plugin` its plugin's id, else ''). */
export interface Endpoint {
  webhook: Webhook;
  plugin: string;
}

export async function findEndpoint(executor: Kysely<any>, id: string): Promise<Endpoint | undefined> {
  const row = await executor.selectFrom(WEBHOOKS).selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { webhook: webhookFromRow(row), plugin: String(row.plugin) } : undefined;
}

export async function enabledWebhooks(executor: Kysely<any>): Promise<Webhook[]> {
  const rows = await executor.selectFrom(WEBHOOKS).selectAll().where('enabled', '=', 1).execute();
  return rows.map(webhookFromRow);
}

/** One page of rows of `table` (PocketBase's list shape), `where` applied, oldest first. */
export async function listPage<T>(
  executor: Kysely<any>,
  table: string,
  where: Record<string, string>,
  page: { page: number; perPage: number },
  map: (row: Record<string, unknown>) => T,
): Promise<{ page: number; perPage: number; totalItems: number; totalPages: number; items: T[] }> {
  let count = executor.selectFrom(table).select((eb) => eb.fn.countAll().as('count'));
  let select = executor.selectFrom(table).selectAll();
  for (const [column, value] of Object.entries(where)) {
    count = count.where(column, '=', value);
    select = select.where(column, '=', value);
  }
  const totalItems = Number((await count.executeTakeFirstOrThrow()).count);
  const rows = await select
    .orderBy('created')
    .orderBy('id')
    .limit(page.perPage)
    .offset((page.page - 1) * page.perPage)
    .execute();
  return {
    page: page.page,
    perPage: page.perPage,
    totalItems,
    totalPages: Math.ceil(totalItems / page.perPage),
    items: rows.map(map),
  };
}
