import { UnauthorizedError } from '@sluice/hooks';
import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';
import type { Collection } from '../collections/types.ts';

const encoder = new TextEncoder();

/** Claims of an auth token. The key mixes the app secret with the record's tokenKey, so a
 * password change (which renews tokenKey) invalidates every token issued before it. */
export interface AuthClaims {
  id: string;
  collectionId: string;
  type: 'auth';
  refreshable: boolean;
}

function keyFor(secret: string, tokenKey: string): Uint8Array {
  return encoder.encode(`${secret}.${tokenKey}`);
}

export async function signAuthToken(
  secret: string,
  collection: Collection,
  record: { id: string; tokenKey: unknown },
): Promise<string> {
  const duration = collection.authToken?.duration ?? 604_800;
  return new SignJWT({ id: record.id, collectionId: collection.id, type: 'auth', refreshable: true })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + duration)
    .sign(keyFor(secret, String(record.tokenKey)));
}

/** Reads the claims without trusting them: the caller looks the record up, then verifies. */
export function peekAuthClaims(token: string): AuthClaims | undefined {
  try {
    const claims = decodeJwt(token);
    if (claims.type !== 'auth' || typeof claims.id !== 'string' || typeof claims.collectionId !== 'string') {
      return undefined;
    }
    return claims as unknown as AuthClaims;
  } catch {
    return undefined;
  }
}

export async function verifyAuthToken(secret: string, token: string, tokenKey: string): Promise<AuthClaims> {
  try {
    const { payload } = await jwtVerify(token, keyFor(secret, tokenKey), { algorithms: ['HS256'] });
    return payload as unknown as AuthClaims;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new UnauthorizedError('The token has expired.');
    throw new UnauthorizedError('The token is invalid.');
  }
}
