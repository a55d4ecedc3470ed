import type { FastifyReply, FastifyRequest } from 'fastify';
import { newId } from '../collections/ids.ts';
import { formatDate } from '../records/dates.ts';
import type { Settings } from '../settings/defaults.ts';
import { sequentialId } from '../writes/system-items.ts';
import { LOG_LEVEL, type LogEntry } from './store.ts';

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

/** The full log row of an answered request, as PocketBase writes it; `logSettings` trims it. */
export function requestLog(request: FastifyRequest, reply: FastifyReply, now = new Date()): LogEntry {
  const status = reply.statusCode;
  const url = redactUrl(request.url);
  const accountability = request.accountability;
  return {
    id: sequentialId(now.getTime(), randomChars()),
    created: formatDate(now),
    level: levelOf(status),
    message: `${request.method} ${url}`,
    data: {
      type: 'request',
      method: request.method,
      url,
      status,
      execTime: Math.round(reply.elapsedTime * 1000) / 1000,
      auth: accountability?.collection ?? '',
      authId: accountability?.user ?? '',
      userIP: request.ip ?? '',
      remoteIP: request.socket.remoteAddress ?? '',
      referer: header(request, 'referer'),
      userAgent: header(request, 'user-agent'),
    },
  };
}

/**
 * The row as the settings' `logs` block keeps it: undefined when logging is off (`maxDays` 0) or
 * its level is under `minLevel`; without the addresses unless `logIP`, without the caller's id
 * unless `logAuthId`.
 */
export function logSettings(entry: LogEntry, settings: Settings['logs']): LogEntry | undefined {
  if (!(settings.maxDays > 0) || entry.level < settings.minLevel) return undefined;
  const { authId, userIP, remoteIP, ...data } = entry.data;
  return {
    ...entry,
    data: {
      ...data,
      ...(settings.logAuthId && authId ? { authId } : {}),
      ...(settings.logIP ? { userIP, remoteIP } : {}),
    },
  };
}
