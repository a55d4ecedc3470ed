import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'slp_';

/** A plugin's key: shown once (at creation, at rotation), kept only as its hash. */
export function newKey(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The plugin key of an `Authorization: Bearer <key>` header, or undefined when it holds none. */
export function keyFromHeader(header: string | undefined): string | undefined {
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : header?.trim();
  return token?.startsWith(PREFIX) ? token : undefined;
}
