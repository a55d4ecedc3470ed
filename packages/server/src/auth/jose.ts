import type * as Jose from 'jose';

let jose: Promise<typeof Jose> | undefined;

/** jose, loaded when a token is first signed or verified rather than at start-up. */
export function loadJose(): Promise<typeof Jose> {
  jose ??= import('jose');
  return jose;
}

/**
 * A JWT's claims, read without checking its signature (as jose's `decodeJwt`): for finding whose
 * key verifies it. Throws on anything but three parts whose middle one is a JSON object.
 */
export function unverifiedClaims(token: string): Jose.JWTPayload {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('Not a signed JWT.');
  const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    throw new Error('The JWT claims are not an object.');
  return claims as Jose.JWTPayload;
}
