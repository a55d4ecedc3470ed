import { NotFoundError } from '@sluice/hooks';
import { PermissionsService, RolesService } from '../access/service.ts';
import { RevisionsService } from '../activity/revisions.ts';
import { ActivityService } from '../activity/service.ts';
import type { ListResult } from '../catalogue/events.ts';
import { CollectionsService } from '../collections/service.ts';
import type { Collection, RecordData } from '../collections/types.ts';
import type { CallOptions, HookContext } from '../context.ts';
import { EventsService } from '../events/service.ts';
import { FoldersService } from '../files/library/folders.ts';
import { FilesLibraryService } from '../files/library/service.ts';
import { LogsService } from '../logs/service.ts';
import { type MailServiceClass, mailServiceClass } from '../mailer/directus.ts';
import { Mailer } from '../mailer/service.ts';
import { PluginsService } from '../plugins/service.ts';
import { PresetsService } from '../presets/service.ts';
import { createRecord } from '../records/operations/create.ts';
import { deleteRecord } from '../records/operations/delete.ts';
import { listRecords } from '../records/operations/list.ts';
import { type ReadNowQuery, readRecordsNow } from '../records/operations/read-now.ts';
import { updateRecord } from '../records/operations/update.ts';
import { type ViewQuery, viewRecord } from '../records/operations/view.ts';
import { parseListQuery } from '../records/query.ts';
import { RelationsService } from '../relations/service.ts';
import { SettingsService } from '../settings/service.ts';
import { StorageService } from '../storage/service.ts';
import { WebhooksService } from '../webhooks/service.ts';
import type { Core } from './core.ts';
import { type DirectusServices, directusServices } from './directus-services.ts';

/**
 * Records, usable from extensions as well as routes. Pass the hook's `ctx` (or
 * `{ database: ctx.database }`) to work inside the current transaction; without it the call
 * runs as the system (admin) in its own transaction. `{ emitEvents: false }` skips the hooks.
 */
export class RecordsService {
  constructor(private readonly app: Core) {}

  collection(idOrName: string): Collection {
    const collection = this.app.schema.get(idOrName);
    if (!collection) throw new NotFoundError(`Missing collection "${idOrName}".`);
    return collection;
  }

  #context(options?: CallOptions | HookContext): HookContext {
    return this.app.context(options);
  }

  create(collection: string, data: Record<string, unknown>, options?: CallOptions): Promise<RecordData> {
    return createRecord(this.app, this.collection(collection), data, this.#context(options));
  }

  update(
    collection: string,
    id: string,
    data: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<RecordData> {
    return updateRecord(this.app, this.collection(collection), id, data, this.#context(options));
  }

  delete(collection: string, id: string, options?: CallOptions): Promise<void> {
    return deleteRecord(this.app, this.collection(collection), id, this.#context(options));
  }

  async view(
    collection: string,
    id: string,
    query: ViewQuery = {},
    options?: CallOptions,
  ): Promise<RecordData> {
    return viewRecord(this.app, this.collection(collection), id, query, this.#context(options));
  }

  async list(
    collection: string,
    query: Record<string, unknown> = {},
    options?: CallOptions,
  ): Promise<ListResult> {
    return listRecords(this.app, this.collection(collection), parseListQuery(query), this.#context(options));
  }

  /**
   * Records read synchronously, blocking until they are read: committed data, as the system,
   * without hooks (see `readRecordsNow`). Prefer `list` and `view` wherever a promise will do.
   */
  readNow(collection: string, query: ReadNowQuery): RecordData[] {
    return readRecordsNow(this.app, this.collection(collection), query);
  }
}

declare module '../context.ts' {
  interface HookServices extends Services {}
}

export interface Services {
  records: RecordsService;
  collections: CollectionsService;
  settings: SettingsService;
  /** The webhook endpoints committed events are delivered to. */
  webhooks: WebhooksService;
  /** Where files are kept: the driver the settings choose (local disk by default). */
  storage: StorageService;
  /** The files library (`/api/files`, Directus' files), content in `storage`. */
  filesLibrary: FilesLibraryService;
  /** The folders of the files library. */
  folders: FoldersService;
  /** Remote plugins: their keys and the hooks they register. */
  plugins: PluginsService;
  /** Custom events (`POST /api/events`, `events.dispatch`) and the stream of every event. */
  events: EventsService;
  /** Email over SMTP (the settings' `smtp`): `send`, templates, the auth flows' emails. */
  mail: Mailer;
  /** Directus' `new MailService({ schema }).send({ to, template: { name, data } })`. */
  MailService: MailServiceClass;
  /** The activity log, revisions, roles, permissions, presets and relations (docs/activity.md). */
  activity: ActivityService;
  revisions: RevisionsService;
  roles: RolesService;
  permissions: PermissionsService;
  presets: PresetsService;
  relations: RelationsService;
  /** The request log (`/api/logs`), written in batches off the request path. */
  logs: LogsService;
}

/** Directus' `ItemsService`, `ActivityService`, `RevisionsService`, `RolesService`, `PermissionsService`. */
export interface Services extends DirectusServices {}

/** `dir`: the data folder; `extensions`: the extensions folder, where the mailer finds its templates. */
export function createServices(core: Core, dir: string, extensions: string | false | undefined): Services {
  const settings = new SettingsService(core);
  const mail = new Mailer(core, settings, extensions);
  const storage = new StorageService(core, settings, dir);
  const filesLibrary = new FilesLibraryService(core, storage);
  const webhooks = new WebhooksService(core);
  const records = new RecordsService(core);
  const access = {
    activity: new ActivityService(core),
    revisions: new RevisionsService(core),
    roles: new RolesService(core),
    permissions: new PermissionsService(core),
  };
  return {
    records,
    collections: new CollectionsService(core),
    settings,
    webhooks,
    storage,
    filesLibrary,
    folders: new FoldersService(core, filesLibrary),
    plugins: new PluginsService(core, webhooks),
    events: new EventsService(core),
    mail,
    MailService: mailServiceClass(mail),
    ...access,
    ...directusServices(core, { records, ...access }),
    presets: new PresetsService(core),
    relations: new RelationsService(core),
    logs: new LogsService(core, dir),
  };
}
