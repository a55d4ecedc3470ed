// The globals of a PocketBase hook file (`pb_hooks/*.pb.js`) as Sluice runs it, for editors:
//
//     /// <reference types="sluice/pb-hooks" />
//
// As in PocketBase, the dao's reads and `$http.send` answer synchronously; the dao's writes return
// at once (awaiting one waits for it). Unlike PocketBase's, `e.next()` returns a promise.

interface PocketBaseRecord {
  id: string;
  [field: string]: any;
  get(field: string): any;
  set(field: string, value: unknown): void;
  getString(field: string): string;
  getInt(field: string): number;
  getFloat(field: string): number;
  getBool(field: string): boolean;
  getStringSlice(field: string): string[];
  tableName(): string | undefined;
}

interface PocketBaseEvent {
  app: typeof $app;
  httpContext?: any;
  record?: PocketBaseRecord | null;
  admin?: PocketBaseRecord | null;
  model?: PocketBaseRecord;
  collection?: any;
  message?: any;
  mailClient?: any;
  client?: { id(): string; auth: unknown };
  identity?: string;
  password?: string;
  token?: string;
  result?: any;
  /**
   * PocketBase ≥ 0.23: goes on with the operation; resolves once it committed. A handler that
   * does not call it stops the operation: nothing is written.
   */
  next(): Promise<void>;
  /** PocketBase ≥ 0.23 request hooks: the answer when the handler does not call `e.next()`. */
  json(status: number, data: unknown): void;
  string(status: number, text: string): void;
  html(status: number, html: string): void;
  noContent(status?: number): void;
  redirect(status: number, url: string): void;
  [key: string]: any;
}

/** `onRecordBeforeCreateRequest(handler, ...tags)`, and every other `on…` hook of the catalogue. */
type PocketBaseHook = (handler: (e: PocketBaseEvent) => unknown, ...tags: string[]) => () => void;

interface PocketBaseRequestEvent {
  request: {
    (): any;
    method: string;
    url: string;
    headers: Record<string, unknown>;
    pathValue(name: string): string;
  };
  auth: PocketBaseRecord | null;
  requestInfo(): {
    method: string;
    query: Record<string, any>;
    headers: Record<string, any>;
    body: any;
    auth: any;
  };
  pathParam(name: string): string;
  queryParam(name: string): string;
  bind<T extends object>(target: T): T;
  get(key: string): any;
  set(key: string, value: unknown): void;
  json(status: number, data: unknown): unknown;
  string(status: number, text: string): unknown;
  html(status: number, html: string): unknown;
  noContent(status: number): unknown;
  redirect(status: number, url: string): unknown;
  next(): unknown;
}
type PocketBaseMiddleware = (
  next: (c: PocketBaseRequestEvent) => unknown,
) => (c: PocketBaseRequestEvent) => unknown;

declare const onBeforeBootstrap: PocketBaseHook;
declare const onAfterBootstrap: PocketBaseHook;
declare const onBootstrap: PocketBaseHook;
declare const onTerminate: PocketBaseHook;
declare function onServe(
  handler: (e: {
    app: typeof $app;
    router: Record<
      'get' | 'post' | 'put' | 'patch' | 'delete',
      (
        path: string,
        handler: (c: PocketBaseRequestEvent) => unknown,
        ...middlewares: PocketBaseMiddleware[]
      ) => void
    >;
    next(): Promise<void>;
  }) => unknown,
): () => void;
declare const onBeforeApiError: PocketBaseHook;
declare const onAfterApiError: PocketBaseHook;
declare const onModelBeforeCreate: PocketBaseHook;
declare const onModelAfterCreate: PocketBaseHook;
declare const onModelBeforeUpdate: PocketBaseHook;
declare const onModelAfterUpdate: PocketBaseHook;
declare const onModelBeforeDelete: PocketBaseHook;
declare const onModelAfterDelete: PocketBaseHook;
declare const onRecordsListRequest: PocketBaseHook;
declare const onRecordViewRequest: PocketBaseHook;
declare const onRecordBeforeCreateRequest: PocketBaseHook;
declare const onRecordAfterCreateRequest: PocketBaseHook;
declare const onRecordBeforeUpdateRequest: PocketBaseHook;
declare const onRecordAfterUpdateRequest: PocketBaseHook;
declare const onRecordBeforeDeleteRequest: PocketBaseHook;
declare const onRecordAfterDeleteRequest: PocketBaseHook;
declare const onRecordAuthRequest: PocketBaseHook;
declare const onRecordBeforeAuthWithPasswordRequest: PocketBaseHook;
declare const onRecordAfterAuthWithPasswordRequest: PocketBaseHook;
declare const onRecordCreateRequest: PocketBaseHook;
declare const onRecordUpdateRequest: PocketBaseHook;
declare const onRecordDeleteRequest: PocketBaseHook;
declare const onRecordAfterCreateSuccess: PocketBaseHook;
declare const onRecordAfterCreateError: PocketBaseHook;
declare const onRecordAfterUpdateError: PocketBaseHook;
declare const onRecordAfterDeleteError: PocketBaseHook;
declare const onRecordValidate: PocketBaseHook;
declare const onRecordEnrich: PocketBaseHook;
declare const onBatchRequest: PocketBaseHook;
declare const onRecordAfterUpdateSuccess: PocketBaseHook;
declare const onRecordAfterDeleteSuccess: PocketBaseHook;
declare const onRealtimeConnectRequest: PocketBaseHook;
declare const onRealtimeBeforeMessageSend: PocketBaseHook;
declare const onMailerBeforeRecordResetPasswordSend: PocketBaseHook;
declare const onSettingsBeforeUpdateRequest: PocketBaseHook;

declare function routerAdd(
  method: string,
  path: string,
  handler: (c: PocketBaseRequestEvent) => unknown,
  ...middlewares: PocketBaseMiddleware[]
): void;
declare function routerUse(...middlewares: PocketBaseMiddleware[]): void;
declare function cronAdd(name: string, expression: string, handler: () => unknown): void;
declare function cronRemove(name: string): void;

interface PocketBaseDao {
  findCollectionByNameOrId(nameOrId: string): { id: string; name: string; [key: string]: any };
  findRecordById(collection: string, id: string): PocketBaseRecord;
  findRecordsByIds(collection: string, ids: string[]): PocketBaseRecord[];
  findFirstRecordByData(collection: string, field: string, value: unknown): PocketBaseRecord;
  findFirstRecordByFilter(
    collection: string,
    filter: string,
    ...params: Record<string, unknown>[]
  ): PocketBaseRecord;
  findRecordsByFilter(
    collection: string,
    filter: string,
    sort?: string,
    limit?: number,
    offset?: number,
    ...params: Record<string, unknown>[]
  ): PocketBaseRecord[];
  findAuthRecordByEmail(collection: string, email: string): PocketBaseRecord;
  /** Returns at once; the handler finishes once the write is done. Awaiting it waits for it. */
  saveRecord(record: PocketBaseRecord): PromiseLike<void>;
  deleteRecord(record: PocketBaseRecord): PromiseLike<void>;
}

declare const $app: PocketBaseDao & {
  services: any;
  database: any;
  logger: any;
  env: Record<string, string | undefined>;
  settings(): Promise<any>;
  dao(): PocketBaseDao;
  /** PocketBase ≥ 0.23's names of `saveRecord` and `deleteRecord`. */
  save(record: PocketBaseRecord): PromiseLike<void>;
  delete(record: PocketBaseRecord): PromiseLike<void>;
};
declare const $apis: Record<
  | 'requireRecordAuth'
  | 'requireAdminAuth'
  | 'requireSuperuserAuth'
  | 'requireAdminOrRecordAuth'
  | 'requireAuth'
  | 'requireGuestOnly',
  (...collections: string[]) => PocketBaseMiddleware
>;
/** The call blocks the server until the answer: its `timeout` is at most 30 seconds. */
declare const $http: {
  send(
    options: import('../dist/extensions/vocabularies/pocketbase-http.js').HttpSendOptions,
  ): import('../dist/extensions/vocabularies/pocketbase-http.js').HttpSendResult;
};
declare const $os: { getenv(name: string): string };
declare const $security: { randomString(length: number): string };
/** The folder of the hook files. */
declare const __hooks: string;
/** `new Record(collection, data?)`: a record to save with `$app.dao().saveRecord(record)`. */
declare var Record: new (collection: string | { name: string }, data?: object) => PocketBaseRecord;

declare class ApiError extends Error {
  constructor(status?: number, message?: string, data?: object);
}
declare class BadRequestError extends Error {
  constructor(message?: string, data?: object);
}
declare class UnauthorizedError extends BadRequestError {}
declare class ForbiddenError extends BadRequestError {}
declare class NotFoundError extends BadRequestError {}
