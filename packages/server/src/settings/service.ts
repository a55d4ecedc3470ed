import { type ErrorDetails, InvalidPayloadError, NotFoundError } from '@sluice/hooks';
import type { Kysely } from 'kysely';
import type { Core } from '../app/core.ts';
import { inTransaction } from '../app/transaction.ts';
import { announce } from '../cluster/announce.ts';
import type { HookContext } from '../context.ts';
import { isJsonObject } from '../json.ts';
import { nowDate } from '../records/dates.ts';
import { filterPayload } from '../records/operations/events.ts';
import { runWrite } from '../writes/pipeline.ts';
import { defaultSettings, type Settings, secretPaths, settingChoices } from './defaults.ts';

const PARAMS = '_params';
const SETTINGS_ID = 'settings';
const PARAMS_TAGS = [PARAMS] as const;

type Plain = Record<string, unknown>;

/** Fills what a stored (possibly older) settings object lacks from the defaults. */
function withDefaults(stored: Plain, defaults: Plain): Plain {
  const result: Plain = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const value = stored[key];
    result[key] = isJsonObject(fallback)
      ? withDefaults(isJsonObject(value) ? value : {}, fallback)
      : (value ?? fallback);
  }
  return result;
}

/** Checks a PATCH body against the defaults' shape and merges it into `current`. */
function merge(current: Plain, input: Plain, shape: Plain, path: string, problems: ErrorDetails): Plain {
  const result: Plain = { ...current };
  for (const [key, value] of Object.entries(input)) {
    const where = path ? `${path}.${key}` : key;
    if (!(key in shape)) {
      problems[where] = { code: 'validation_unknown_field', message: 'Unknown setting.' };
      continue;
    }
    const expected = shape[key];
    if (isJsonObject(expected)) {
      if (!isJsonObject(value))
        problems[where] = { code: 'validation_invalid_type', message: 'Must be an object.' };
      else result[key] = merge((current[key] as Plain) ?? {}, value, expected, where, problems);
    } else if (Array.isArray(expected)) {
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
        problems[where] = { code: 'validation_invalid_type', message: 'Must be a list of strings.' };
      } else result[key] = value;
    } else if (typeof value !== typeof expected) {
      problems[where] = { code: 'validation_invalid_type', message: `Must be a ${typeof expected}.` };
    } else if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
      problems[where] = { code: 'validation_invalid_number', message: 'Must be a number of 0 or more.' };
    } else if (typeof value === 'string' && settingChoices[where] && !settingChoices[where].includes(value)) {
      problems[where] = {
        code: 'validation_invalid_value',
        message: `Must be one of ${settingChoices[where].join(', ')}.`,
      };
    } else {
      result[key] = value;
    }
  }
  return result;
}

/** `current` with a checked partial update merged in; a 400 naming each bad setting otherwise. */
function mergedSettings(current: Settings, input: Plain): Settings {
  const problems: ErrorDetails = {};
  const merged = merge(
    current as unknown as Plain,
    input,
    defaultSettings() as unknown as Plain,
    '',
    problems,
  );
  if (Object.keys(problems).length > 0) throw new InvalidPayloadError('Invalid settings.', problems);
  return merged as unknown as Settings;
}

export function redact(settings: Settings): Plain {
  const copy = structuredClone(settings) as unknown as Plain;
  for (const path of secretPaths) {
    const parent = path.slice(0, -1).reduce((node, key) => node[key] as Plain, copy);
    delete parent[path[path.length - 1] as string];
  }
  return copy;
}

/** The app settings, stored as one JSON row in `_params`, cached in memory. */
export class SettingsService {
  #cache: Settings | undefined;
  /** Bumped by `forget()`, so that a read begun before it does not refill the cache. */
  #generation = 0;

  constructor(private readonly app: Core) {}

  /** Drops the cached settings (another instance changed them). */
  forget(): void {
    this.#cache = undefined;
    this.#generation++;
  }

  /** The settings when they are in memory (read since the last change), without waiting. */
  cached(): Settings | undefined {
    return this.#cache;
  }

  async current(executor: Kysely<any> = this.app.database.reader): Promise<Settings> {
    if (this.#cache) return this.#cache;
    const generation = this.#generation;
    const row = await executor
      .selectFrom(PARAMS)
      .select('value')
      .where('id', '=', SETTINGS_ID)
      .executeTakeFirst();
    const stored = row ? (JSON.parse(String(row.value)) as Plain) : {};
    const settings = withDefaults(stored, defaultSettings() as unknown as Plain) as unknown as Settings;
    if (generation === this.#generation) this.#cache = settings;
    return settings;
  }

  /** The settings as clients see them: secrets left out, then the `settings.list` filter. */
  async list(ctx: HookContext): Promise<Plain> {
    const settings = redact(await this.current());
    return filterPayload(this.app, 'settings.list', settings, { event: 'settings.list' }, ctx, []);
  }

  /**
   * Stores the defaults when no settings are stored yet (a new data folder): `settings.create`,
   * through the write pipeline, as the system. Later saves are updates.
   */
  async storeDefaults(ctx: HookContext): Promise<void> {
    await inTransaction(this.app, ctx, async (tx) => {
      if (await this.#stored(tx.database)) return;
      await this.#save(tx, 'create', defaultSettings() as unknown as Plain, {});
    });
    this.forget();
  }

  /** The settings a partial update would make, checked, without saving them (a storage test). */
  async preview(input: unknown): Promise<Settings> {
    if (!isJsonObject(input)) throw new InvalidPayloadError('The settings must be a JSON object.');
    return mergedSettings(await this.current(), input);
  }

  /** Merges a partial update; hooks see the new values and (in meta) the previous ones. */
  async update(input: unknown, ctx: HookContext): Promise<Plain> {
    if (!isJsonObject(input)) throw new InvalidPayloadError('The settings must be a JSON object.');
    await inTransaction(this.app, ctx, async (tx) => {
      const previous = await this.current(tx.database);
      const merged = mergedSettings(previous, input);
      // bootstrap stored the defaults (`storeDefaults`): every save after it is an update
      await this.#save(tx, 'update', merged as unknown as Plain, { previous: redact(previous) });
    });
    return this.#changed();
  }

  /**
   * Resets a group of settings (`smtp`, `meta`, …) to its defaults: `settings.delete`, whose
   * payload is the keys removed (`[group]`).
   */
  async reset(group: string, ctx: HookContext): Promise<Plain> {
    const defaults = defaultSettings() as unknown as Plain;
    if (!(group in defaults)) throw new NotFoundError(`There is no settings group "${group}".`);
    await inTransaction(this.app, ctx, async (tx) => {
      const previous = (await this.current(tx.database)) as unknown as Plain;
      await runWrite(this.app, tx, {
        context: 'settings',
        action: 'delete',
        table: PARAMS,
        tags: [],
        modelTags: PARAMS_TAGS,
        meta: { previous: redact(previous as unknown as Settings) },
        input: [group],
        prepare: (groups) => {
          const next = { ...previous };
          for (const key of groups) if (key in defaults) next[key] = structuredClone(defaults[key]);
          return next;
        },
        store: async (row) => {
          await this.#write(tx.database, row);
          this.forget();
          return row;
        },
        outcome: (row, groups) => ({
          record: redact(row as unknown as Settings),
          payload: groups,
          keys: [SETTINGS_ID],
        }),
      });
    });
    return this.#changed();
  }

  async #changed(): Promise<Plain> {
    this.forget();
    await announce(this.app, 'settings');
    return redact(await this.current());
  }

  #save(tx: HookContext, action: 'create' | 'update', settings: Plain, meta: Record<string, unknown>) {
    return runWrite(this.app, tx, {
      context: 'settings',
      action,
      table: PARAMS,
      tags: [],
      modelTags: PARAMS_TAGS,
      meta,
      input: settings,
      prepare: (next) => next,
      store: async (row) => {
        await this.#write(tx.database, row);
        this.forget();
        return row;
      },
      outcome: (row) => ({
        record: redact(row as unknown as Settings),
        payload: redact(row as unknown as Settings),
        keys: [SETTINGS_ID],
      }),
    });
  }

  async #stored(executor: Kysely<any>): Promise<boolean> {
    const row = await executor
      .selectFrom(PARAMS)
      .select('id')
      .where('id', '=', SETTINGS_ID)
      .executeTakeFirst();
    return row !== undefined;
  }

  async #write(executor: Kysely<any>, value: Plain): Promise<void> {
    const now = nowDate();
    const json = JSON.stringify(value);
    const updated = await executor
      .updateTable(PARAMS)
      .set({ value: json, updated: now })
      .where('id', '=', SETTINGS_ID)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      await executor
        .insertInto(PARAMS)
        .values({ id: SETTINGS_ID, value: json, created: now, updated: now })
        .execute();
    }
  }

  /** The secret that signs auth tokens; made once, on first start. */
  async secret(executor: Kysely<any>): Promise<string> {
    const row = await executor
      .selectFrom(PARAMS)
      .select('value')
      .where('id', '=', 'secret')
      .executeTakeFirst();
    if (row) return JSON.parse(String(row.value)) as string;
    const { randomBytes } = await import('node:crypto');
    const secret = randomBytes(48).toString('base64url');
    const now = nowDate();
    await executor
      .insertInto(PARAMS)
      .values({ id: 'secret', value: JSON.stringify(secret), created: now, updated: now })
      .execute();
    return secret;
  }
}
