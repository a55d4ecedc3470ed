import { InvalidPayloadError, UnauthorizedError } from '@sluice/hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CustomRoute } from '../custom-routes.ts';
import { type PocketBaseRecord, pocketbaseRecord } from './pocketbase-record.ts';
import { currentWrites, trackWrites } from './pocketbase-writes.ts';

const METHODS = new Set<CustomRoute['method']>(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']);

/** The request both PocketBase generations read: `e.request.pathValue(…)` (≥ 0.23) and `c.request()` (older). */
export interface PocketBaseRequest {
  (): PocketBaseRequest;
  method: string;
  url: string;
  headers: Record<string, unknown>;
  /** A path parameter: `{name}` (or `{path...}`, the rest of the path) in the route's path. */
  pathValue(name: string): string;
}

/**
 * What a `routerAdd` handler gets: PocketBase's request event (≥ 0.23) and, on the same object,
 * the older echo context (`c.pathParam`, `c.queryParam`, `c.bind`, `c.get('authRecord')` …).
 */
export interface PocketBaseRequestEvent {
  request: PocketBaseRequest;
  /** The signed-in record (with `get`/`set`), or null. */
  auth: PocketBaseRecord | null;
  requestInfo(): {
    method: string;
    query: Record<string, unknown>;
    headers: Record<string, unknown>;
    body: Record<string, unknown>;
    auth: PocketBaseRecord | null;
  };
  pathParam(name: string): string;
  queryParam(name: string): string;
  /** Copies the request body's fields onto `target`, and returns it. */
  bind<T extends object>(target: T): T;
  /** `authRecord` and `admin`, as echo's store held them; anything a middleware `set`. */
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  json(status: number, data: unknown): Answer;
  string(status: number, text: string): Answer;
  html(status: number, html: string): Answer;
  noContent(status: number): Answer;
  redirect(status: number, url: string): Answer;
  /** ≥ 0.23 middlewares call it to go on; echo middlewares call the `next` they were given. */
  next(): unknown;
}

/** The reply, once the writes the handler started are done (a promise while they run). */
export type Answer = FastifyReply | Promise<FastifyReply>;

export type RouteHandler = (e: PocketBaseRequestEvent) => unknown;
/** An echo middleware: `(next) => (c) => { …; return next(c) }`, as `$apis.requireAuth()` returns. */
export type Middleware = (next: RouteHandler) => RouteHandler;

export type RouterAdd = (
  method: string,
  path: string,
  handler: RouteHandler,
  ...middlewares: Middleware[]
) => void;

/** Middlewares every route of the hook files passes through (`routerUse`), in the order added. */
export type RouterUse = (...middlewares: Middleware[]) => void;

function checkMiddlewares(middlewares: unknown[], where: string): Middleware[] {
  for (const middleware of middlewares) {
    if (typeof middleware !== 'function')
      throw new TypeError(
        `${where}: a middleware must be a function (next) => (c) => …, like $apis.requireAuth().`,
      );
  }
  return middlewares as Middleware[];
}

/**
 * PocketBase's `routerAdd(method, path, handler, ...middlewares)` and `routerUse(...middlewares)`:
 * routes go to `routes` (see `CustomRoutes`). Paths are written as in PocketBase,
 * `/api/hello/{name}` or `{path...}` for the rest of the path (`:name` works too).
 */
export function pocketbaseRouter(
  routes: CustomRoute[],
  global: { add(middlewares: Middleware[]): void; all(): readonly Middleware[] } = sharedMiddlewares(),
): { routerAdd: RouterAdd; routerUse: RouterUse } {
  const routerAdd: RouterAdd = (method, path, handler, ...middlewares) => {
    const verb = String(method).toUpperCase() as CustomRoute['method'];
    if (!METHODS.has(verb)) throw new TypeError(`routerAdd: unknown method ${JSON.stringify(method)}.`);
    if (typeof path !== 'string' || !path.startsWith('/'))
      throw new TypeError(`routerAdd: the path must start with "/", got ${JSON.stringify(path)}.`);
    if (typeof handler !== 'function') throw new TypeError('routerAdd: the handler must be a function.');
    const own = checkMiddlewares(middlewares, 'routerAdd');
    let rest: string | undefined;
    const url = path.replace(/\{(\w+)(\.\.\.)?\}/g, (_, name: string, spread?: string) => {
      if (!spread) return `:${name}`;
      rest = name;
      return '*';
    });
    routes.push({
      method: verb,
      url,
      handler: async (request, reply) => {
        // the first middleware added runs first
        const chain = [...global.all(), ...own].reduceRight<RouteHandler>(
          (next, middleware) => middleware(next),
          handler,
        );
        const answers: Promise<unknown>[] = [];
        const event = requestEvent(request, reply, rest, answers);
        await trackWrites(() => chain(event));
        // an answer the handler did not return is sent once the writes are done: wait for it
        await Promise.all(answers);
        // as in PocketBase, a handler that wrote nothing answers an empty 200
        if (!reply.sent) reply.send();
        return reply;
      },
    });
  };
  const routerUse: RouterUse = (...middlewares) => {
    global.add(checkMiddlewares(middlewares, 'routerUse'));
  };
  return { routerAdd, routerUse };
}

/** `routerUse` middlewares by owner: a reloaded file's replace its previous ones. */
const middlewaresByOwner = new WeakMap<object, Map<string, Middleware[]>>();

/** The `routerUse` middlewares of every extension sharing `key` (the engine), `owner`'s emptied. */
export function sharedMiddlewares(key: object = {}, owner = 'app') {
  let byOwner = middlewaresByOwner.get(key);
  if (!byOwner) {
    byOwner = new Map();
    middlewaresByOwner.set(key, byOwner);
  }
  const owners = byOwner;
  owners.set(owner, []);
  return {
    add: (middlewares: Middleware[]) => owners.get(owner)?.push(...middlewares),
    all: () => [...owners.values()].flat(),
  };
}

/**
 * Sends an answer once the writes the handler started are done, as PocketBase's synchronous
 * writes would have been: a client never sees the answer before them. A deferred answer joins
 * `answers`, which the route waits for (the handler may not return it).
 */
function answer(send: () => FastifyReply, answers: Promise<unknown>[]): Answer {
  const writes = currentWrites();
  if (!writes) return send();
  const sent = writes.afterWrites(send);
  if (sent instanceof Promise) {
    // its failure is the handler's (the write that failed fails it): never unhandled here
    answers.push(sent.catch(() => {}));
  }
  return sent;
}

function requestEvent(
  request: FastifyRequest,
  reply: FastifyReply,
  rest: string | undefined,
  answers: Promise<unknown>[],
): PocketBaseRequestEvent {
  const params = (request.params ?? {}) as Record<string, string>;
  const query = (request.query ?? {}) as Record<string, unknown>;
  const body = (request.body ?? {}) as Record<string, unknown>;
  const accountability = request.accountability;
  const auth = pocketbaseRecord(accountability.record);
  const store = new Map<string, unknown>([
    ['authRecord', accountability.admin ? null : auth],
    ['admin', accountability.admin ? auth : null],
  ]);
  const pathValue = (name: string) => (name === rest ? params['*'] : params[name]) ?? '';
  const pocketbaseRequest: PocketBaseRequest = Object.assign(() => pocketbaseRequest, {
    method: request.method,
    url: request.url,
    headers: request.headers,
    pathValue,
  });
  return {
    request: pocketbaseRequest,
    auth,
    requestInfo: () => ({ method: request.method, query, headers: request.headers, body, auth }),
    pathParam: pathValue,
    queryParam: (name) => {
      const value = query[name];
      return Array.isArray(value) ? String(value[0] ?? '') : value === undefined ? '' : String(value);
    },
    bind: (target) => Object.assign(target, body),
    get: (key) => store.get(key),
    set: (key, value) => {
      store.set(key, value);
    },
    json: (status, data) => answer(() => reply.status(status).send(data), answers),
    string: (status, text) =>
      answer(() => reply.status(status).type('text/plain; charset=utf-8').send(text), answers),
    html: (status, html) =>
      answer(() => reply.status(status).type('text/html; charset=utf-8').send(html), answers),
    noContent: (status) => answer(() => reply.status(status).send(), answers),
    redirect: (status, url) => answer(() => reply.redirect(url, status), answers),
    next: () => undefined,
  };
}

function guard(allowed: (c: PocketBaseRequestEvent) => boolean, refuse: () => Error): Middleware {
  return (next) => (c) => {
    if (!allowed(c)) throw refuse();
    return next(c);
  };
}

const inCollections = (record: unknown, collections: string[]) =>
  record !== null &&
  record !== undefined &&
  (collections.length === 0 || collections.includes(String((record as PocketBaseRecord).collectionName)));

const needsRecord = () => new UnauthorizedError('The request requires a valid record authorization token.');
const needsAdmin = () => new UnauthorizedError('The request requires a valid superuser authorization token.');

/** PocketBase's route middlewares (`$apis.requireRecordAuth()` …), older and ≥ 0.23 names. */
export const pocketbaseApis = {
  requireRecordAuth: (...collections: string[]) =>
    guard((c) => inCollections(c.get('authRecord'), collections), needsRecord),
  requireAdminAuth: () => guard((c) => Boolean(c.get('admin')), needsAdmin),
  requireSuperuserAuth: () => guard((c) => Boolean(c.get('admin')), needsAdmin),
  requireAdminOrRecordAuth: (...collections: string[]) =>
    guard((c) => Boolean(c.get('admin')) || inCollections(c.get('authRecord'), collections), needsRecord),
  requireAuth: (...collections: string[]) => guard((c) => inCollections(c.auth, collections), needsRecord),
  requireGuestOnly: () =>
    guard(
      (c) => c.auth === null,
      () => new InvalidPayloadError('The request can be accessed only by guests.'),
    ),
};
