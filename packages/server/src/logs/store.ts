import { tableShape } from '../writes/system-list.ts';

export const LOGS = '_logs';

/** PocketBase's log levels (Go's `slog`): what `logs.minLevel` compares with. */
export const LOG_LEVEL = { info: 0, warn: 4, error: 8 } as const;

/** What a request log row's `data` holds, as PocketBase's `_logs` has it. */
export interface RequestLogData {
  type: 'request';
  method: string;
  url: string;
  status: number;
  /** Milliseconds from the request's start to its answer. */
  execTime: number;
  /** The auth collection of the caller, '' for a guest. */
  auth: string;
  /** The caller's record id, when the settings' `logs.logAuthId` is on. */
  authId?: string;
  /** The client's address (behind trusted proxies) and the connection's, when `logs.logIP` is on. */
  userIP?: string;
  remoteIP?: string;
  referer: string;
  userAgent: string;
}

/** One row of `_logs`: PocketBase's `{id, created, level, message, data}`. */
export interface LogEntry {
  id: string;
  created: string;
  level: number;
  message: string;
  data: RequestLogData;
}

export function logFromRow(row: Record<string, unknown>): LogEntry {
  return {
    id: String(row.id),
    created: String(row.created),
    level: Number(row.level),
    message: String(row.message),
    data: JSON.parse(String(row.data)),
  };
}

/** `_logs` as a collection, so that `?filter=data.status>=400&sort=-created` compiles. */
export const logsShape = tableShape(LOGS, {
  id: 'text',
  created: 'text',
  level: 'number',
  message: 'text',
  data: 'json',
});
