import type { HandlerContext } from '../types.ts';

type Data = Record<string, any>;

/** A document as Kuzzle's generic document events carry it. */
export interface KuzzleDocument {
  _id: string | null;
  _source?: Data;
}

/** The `Request` a Kuzzle pipe or hook receives, reduced to the parts Sluice can fill. */
export interface KuzzleRequest {
  context: { user: { _id: string; _source: Data } };
  input: { resource: { collection?: string; _id?: string | null }; body: unknown; args: Data };
  result: unknown;
  [field: string]: unknown;
}

/** Kuzzle's anonymous user id. */
const ANONYMOUS = '-1';

export function kuzzleRequest(
  body: unknown,
  result: unknown,
  meta: Data,
  ctx: HandlerContext | undefined,
): KuzzleRequest {
  const accountability = ctx?.accountability;
  return {
    context: {
      user: { _id: accountability?.user ?? ANONYMOUS, _source: { ...(accountability?.record ?? {}) } },
    },
    input: {
      resource: { collection: meta.collection, _id: meta.key ?? meta.keys?.[0] ?? null },
      body,
      args: meta.query ?? {},
    },
    result,
  };
}

/**
 * A record as a Kuzzle document. Sluice records carry no author; a `creator` field (a relation
 * to the user) fills `_kuzzle_info.creator`, as rules written for Kuzzle expect.
 */
export function toDocument(record: unknown): KuzzleDocument {
  const { id, ...fields } = (record ?? {}) as Data;
  return {
    _id: id ?? null,
    _source: {
      ...fields,
      _kuzzle_info: {
        author: fields.creator ?? null,
        creator: fields.creator ?? null,
        createdAt: fields.created ?? null,
        updatedAt: fields.updated ?? null,
        updater: fields.updater ?? null,
      },
    },
  };
}

export function fromDocument(document: KuzzleDocument): Data {
  const { _kuzzle_info: _info, ...fields } = document._source ?? {};
  return document._id === null || document._id === undefined ? fields : { id: document._id, ...fields };
}

/**
 * Generic document events pass `(documents, request)`. How a payload becomes documents and back:
 * keys (a delete) → `{_id}` each; a list result → its items; a write → its data; a record → itself.
 */
export function toDocuments(payload: unknown, meta: Data): KuzzleDocument[] {
  if (Array.isArray(payload)) return payload.map((key) => ({ _id: String(key) }));
  const data = payload as Data | null;
  if (data && Array.isArray(data.items)) return data.items.map(toDocument);
  if (meta.action === 'create' || meta.action === 'update') {
    return [{ _id: meta.key ?? meta.keys?.[0] ?? null, _source: { ...data } }];
  }
  return [toDocument(payload)];
}

export function fromDocuments(documents: KuzzleDocument[], payload: unknown, meta: Data): unknown {
  if (Array.isArray(payload)) return documents.map((document) => document._id);
  const data = payload as Data | null;
  if (data && Array.isArray(data.items)) return { ...data, items: documents.map(fromDocument) };
  const [document] = documents;
  if (!document) return payload;
  if (meta.action === 'create' || meta.action === 'update') return { ...document._source };
  return fromDocument(document);
}
