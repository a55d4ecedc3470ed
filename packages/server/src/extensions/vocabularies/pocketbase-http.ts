import { blockingWorker } from '../../blocking/worker.ts';

type Data = Record<string, unknown>;

export interface HttpSendOptions {
  url: string;
  method?: string;
  /** A string as it is; an object is sent as JSON. */
  body?: string | Data;
  /** PocketBase's older JSON body: sent as JSON, with `content-type: application/json` unless given. */
  data?: Data;
  headers?: Record<string, string>;
  /** Seconds, as in PocketBase: default 120, at most `MAX_SEND_SECONDS` here. */
  timeout?: number;
}

/** A cookie the response set, with the fields PocketBase's (Go's `http.Cookie`) has. */
export interface HttpCookie {
  name: string;
  value: string;
  path: string;
  domain: string;
  expires: string;
  maxAge: number;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string;
  raw: string;
}

export interface HttpSendResult {
  statusCode: number;
  /** By canonical name (`Content-Type`), each a list of values, as PocketBase gives them. */
  headers: Record<string, string[]>;
  cookies: Record<string, HttpCookie>;
  /** The body as text. */
  raw: string;
  /** The body parsed as a JSON object or array; null for anything else. */
  json: unknown;
}

/**
 * The longest `$http.send` may take, whatever its `timeout`: the call blocks the server's
 * thread (every request waits) until the answer comes.
 */
export const MAX_SEND_SECONDS = 30;
const DEFAULT_SEND_SECONDS = 120;

interface WorkerRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
}

interface WorkerAnswer {
  status: number;
  headers: [string, string][];
  cookies: string[];
  raw: string;
}

const SOURCE = `
return async ({ url, method, headers, body, timeoutMs }) => {
  let response;
  try {
    response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = error?.cause?.message;
    throw Object.assign(new Error(cause ? error.message + ': ' + cause : error.message), { code: error?.cause?.code ?? error?.name });
  }
  return {
    status: response.status,
    headers: [...response.headers].filter(([name]) => name !== 'set-cookie'),
    cookies: response.headers.getSetCookie(),
    raw: await response.text(),
  };
};
`;

let worker: ReturnType<typeof blockingWorker<WorkerRequest, WorkerAnswer>> | undefined;

/** Go's canonical header name: `content-type` → `Content-Type`. */
function canonical(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

export function parseSetCookie(raw: string): HttpCookie {
  const [pair = '', ...attributes] = raw.split(';');
  const at = pair.indexOf('=');
  const cookie: HttpCookie = {
    name: (at < 0 ? pair : pair.slice(0, at)).trim(),
    value: at < 0 ? '' : pair.slice(at + 1).trim(),
    path: '',
    domain: '',
    expires: '',
    maxAge: 0,
    secure: false,
    httpOnly: false,
    sameSite: '',
    raw,
  };
  for (const attribute of attributes) {
    const equals = attribute.indexOf('=');
    const key = (equals < 0 ? attribute : attribute.slice(0, equals)).trim().toLowerCase();
    const value = equals < 0 ? '' : attribute.slice(equals + 1).trim();
    if (key === 'path') cookie.path = value;
    else if (key === 'domain') cookie.domain = value.replace(/^\./, '');
    else if (key === 'expires') cookie.expires = value;
    else if (key === 'max-age') cookie.maxAge = Number.parseInt(value, 10) || 0;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'samesite') cookie.sameSite = value;
  }
  return cookie;
}

function parseJsonBody(raw: string): unknown {
  if (raw === '') return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * PocketBase's `$http.send`: synchronous, as in PocketBase — a worker thread makes the request
 * while this thread waits. Throws on a network error or a timeout; any status is an answer.
 */
export function httpSend(options: HttpSendOptions): HttpSendResult {
  const { url, method = 'GET', body, data, headers = {}, timeout } = options ?? ({} as HttpSendOptions);
  if (typeof url !== 'string' || url === '') throw new TypeError('$http.send: a url, please.');
  const seconds = Math.min(timeout && timeout > 0 ? timeout : DEFAULT_SEND_SECONDS, MAX_SEND_SECONDS);
  const sent: Record<string, string> = { ...headers };
  const hasContentType = Object.keys(sent).some((name) => name.toLowerCase() === 'content-type');
  let text: string | undefined;
  if (data !== undefined && data !== null && Object.keys(data).length > 0) {
    text = JSON.stringify(data);
    if (!hasContentType) sent['content-type'] = 'application/json';
  } else if (typeof body === 'string') text = body === '' ? undefined : body;
  else if (body !== undefined && body !== null) text = JSON.stringify(body);
  worker ??= blockingWorker<WorkerRequest, WorkerAnswer>(SOURCE);
  const answer = worker.call(
    { url, method: String(method).toUpperCase(), headers: sent, body: text, timeoutMs: seconds * 1000 },
    seconds * 1000 + 1000,
  );
  const result: HttpSendResult = {
    statusCode: answer.status,
    headers: {},
    cookies: {},
    raw: answer.raw,
    json: parseJsonBody(answer.raw),
  };
  for (const [name, value] of answer.headers) {
    const key = canonical(name);
    result.headers[key] = [...(result.headers[key] ?? []), value];
  }
  if (answer.cookies.length > 0) result.headers['Set-Cookie'] = answer.cookies;
  for (const raw of answer.cookies) {
    const cookie = parseSetCookie(raw);
    result.cookies[cookie.name] = cookie;
  }
  return result;
}
