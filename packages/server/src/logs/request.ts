import type { FastifyReply, FastifyRequest } from 'fastify';
import { newId } from '../collections/ids.ts';
import type { Settings } from '../settings/defaults.ts';
import { sequentialId } from '../writes/system-items.ts';
import { LOG_LEVEL, type LogEntry, type RequestLogData } from './store.ts';

/** Query parameters whose values never reach a log: `?token=` (file and realtime links) and the like. */
const SECRET_PARAM = /token|password|secret|code/i;
const REDACTED = 'REDACTED';

/** The URL with the values of its secret-looking query parameters replaced. */
export function redactUrl(url: string): string {
  const index = url.indexOf('?');
  if (index < 0) return url;
  const query = url
    .slice(index + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0];
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // a malformed name is matched as sent
      }
      return SECRET_PARAM.test(decoded) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, index)}?${query}`;
}

/** Random id characters made many at a time: one call to the random source per 256 requests, not one each. */
let randomPool = '';
function randomChars(): string {
  if (randomPool.length < 3) randomPool = newId(768);
  const chars = randomPool.slice(0, 3);
  randomPool = randomPool.slice(3);
  return chars;
}

function levelOf(status: number): number {
  if (status >= 500) return LOG_LEVEL.error;
  if (status >= 400) return LOG_LEVEL.warn;
  return LOG_LEVEL.info;
}

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** `created` as PocketBase writes it (`2026-01-31 14:05:09.123Z`), its date and time made once a second. */
let secondStart = -1;
let secondText = '';
function createdAt(now: number): string {
  const second = now - (now % 1000);
  if (second !== secondStart) {
    secondStart = second;
    secondText = new Date(second).toISOString().slice(0, 19).replace('T', ' ');
  }
  return `${secondText}.${String(now - second).padStart(3, '0')}Z`;
}

/**
 * The log row of an answered request, as PocketBase writes it and the settings' `logs` block keeps
 * it: undefined when logging is off (`maxDays` 0) or its level is under `minLevel`; without the
 * addresses unless `logIP`, without the caller's id unless `logAuthId`.
 */
export function requestLog(
  request: FastifyRequest,
  reply: FastifyReply,
  settings: Settings['logs'],
  now = Date.now(),
): LogEntry | undefined {
  const status = reply.statusCode;
  const level = levelOf(status);
  if (!(settings.maxDays > 0) || level < settings.minLevel) return undefined;
  const url = redactUrl(request.url);
  const accountability = request.accountability;
  const data: RequestLogData = {
    type: 'request',
    method: request.method,
    url,
    status,
    execTime: Math.round(reply.elapsedTime * 1000) / 1000,
    auth: accountability?.collection ?? '',
    referer: header(request, 'referer'),
    userAgent: header(request, 'user-agent'),
  };
  if (settings.logAuthId && accountability?.user) data.authId = accountability.user;
  if (settings.logIP) {
    data.userIP = request.ip ?? '';
    data.remoteIP = request.socket.remoteAddress ?? '';
  }
  return {
    id: sequentialId(now, randomChars()),
    created: createdAt(now),
    level,
    message: `${request.method} ${url}`,
    data,
  };
}

/** What `requestLog` is given to keep a whole row, to be trimmed by `logSettings` later. */
export const KEEP_ALL: Settings['logs'] = { maxDays: 1, minLevel: 0, logIP: true, logAuthId: true };

/** A whole row (made with `KEEP_ALL`) as the settings' `logs` block keeps it; see `requestLog`. */
export function logSettings(entry: LogEntry, settings: Settings['logs']): LogEntry | undefined {
  if (!(settings.maxDays > 0) || entry.level < settings.minLevel) return undefined;
  const { authId, userIP, remoteIP } = entry.data;
  const data: RequestLogData = {
    type: 'request',
    method: entry.data.method,
    url: entry.data.url,
    status: entry.data.status,
    execTime: entry.data.execTime,
    auth: entry.data.auth,
    referer: entry.data.referer,
    userAgent: entry.data.userAgent,
  };
  if (settings.logAuthId && authId) data.authId = authId;
  if (settings.logIP) {
    data.userIP = userIP;
    data.remoteIP = remoteIP;
  }
  return { ...entry, data };
}
