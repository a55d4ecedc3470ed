import type { Kysely } from 'kysely';

export const PLUGINS = '_plugins';

/** A remote plugin as the API lists it. */
export type Plugin = {
  id: string;
  name: string;
  created: string;
  updated: string;
};

/** A plugin with what only it and the server know: its key's hash and its signing secret. */
export interface PluginRow extends Plugin {
  keyHash: string;
  /** `whsec_…`: its deliveries are signed with it. */
  secret: string;
}

export function pluginFromRow(row: Record<string, unknown>): Plugin {
  return {
    id: String(row.id),
    name: String(row.name),
    created: String(row.created),
    updated: String(row.updated),
  };
}

/** What events and answers carry of a plugin: never its key's hash or its secret. */
export function publicPlugin({ keyHash: _keyHash, secret: _secret, ...plugin }: PluginRow): Plugin {
  return plugin;
}

export async function findPlugin(
  executor: Kysely<any>,
  column: 'id' | 'keyHash' | 'name',
  value: string,
): Promise<PluginRow | undefined> {
  const row = await executor.selectFrom(PLUGINS).selectAll().where(column, '=', value).executeTakeFirst();
  return row
    ? { ...pluginFromRow(row), keyHash: String(row.keyHash), secret: String(row.secret) }
    : undefined;
}
