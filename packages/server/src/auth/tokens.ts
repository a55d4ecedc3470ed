import { InvalidPayloadError, UnauthorizedError } from '@sluice/hooks';
import type { Collection } from '../collections/types.ts';
import { loadJose, unverifiedClaims } from './jose.ts';

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

/** An impersonation token: its own lifetime, and no refresh. */
export interface AuthTokenOptions {
  duration?: number;
  refreshable?: boolean;
}

export async function signAuthToken(
  secret: string,
  collection: Collection,
  record: { id: string; tokenKey: unknown },
  options: AuthTokenOptions = {},
): Promise<string> {
  const duration = options.duration || collection.authToken?.duration || 604_800;
  const refreshable = options.refreshable ?? true;
  const { SignJWT } = await loadJose();
  return new SignJWT({ id: record.id, collectionId: collection.id, type: 'auth', refreshable })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + duration)
    .sign(keyFor(secret, String(record.tokenKey)));
}

/** Reads the claims without trusting them: the caller looks the record up, then verifies. */
export function peekAuthClaims(token: string): AuthClaims | undefined {
  try {
    const claims = unverifiedClaims(token);
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
    const { jwtVerify } = await loadJose();
    const { payload } = await jwtVerify(token, keyFor(secret, tokenKey), { algorithms: ['HS256'] });
    return payload as unknown as AuthClaims;
  } catch (error) {
    if (error instanceof (await loadJose()).errors.JWTExpired)
      throw new UnauthorizedError('The token has expired.');
    throw new UnauthorizedError('The token is invalid.');
  }
}

/** Claims of a file token: who may read protected files, for a few minutes (PocketBase's `type: "file"`). */
export interface FileClaims {
  id: string;
  collectionId: string;
  type: 'file';
}

/** A file token is signed with its own key, so it never passes for an auth token, nor one for it. */
function fileKey(secret: string, tokenKey: string): Uint8Array {
  return encoder.encode(`${secret}.${tokenKey}.file`);
}

/** Signs a file token, valid for the collection's `fileToken.duration` (180 s by default). */
export async function signFileToken(
  secret: string,
  collection: Collection,
  record: { id: string; tokenKey: unknown },
): Promise<string> {
  const duration = collection.fileToken?.duration ?? 180;
  const { SignJWT } = await loadJose();
  return new SignJWT({ id: record.id, collectionId: collection.id, type: 'file' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + duration)
    .sign(fileKey(secret, String(record.tokenKey)));
}

/** Reads a file token's claims without trusting them. */
export function peekFileClaims(token: string): FileClaims | undefined {
  try {
    const claims = unverifiedClaims(token);
    if (claims.type !== 'file' || typeof claims.id !== 'string' || typeof claims.collectionId !== 'string') {
      return undefined;
    }
    return claims as unknown as FileClaims;
  } catch {
    return undefined;
  }
}

/** Whether a file token is signed for the record's current tokenKey and not expired. */
export async function fileTokenValid(secret: string, token: string, tokenKey: string): Promise<boolean> {
  try {
    const { jwtVerify } = await loadJose();
    const { payload } = await jwtVerify(token, fileKey(secret, tokenKey), { algorithms: ['HS256'] });
    return payload.type === 'file';
  } catch {
    return false;
  }
}

/** The one-purpose tokens of the email flows, with their `type` claim as PocketBase names it. */
export type RecordTokenType = 'verification' | 'passwordReset' | 'emailChange';

const durations: Record<
  RecordTokenType,
  { option: 'verificationToken' | 'passwordResetToken' | 'emailChangeToken'; fallback: number }
> = {
  verification: { option: 'verificationToken', fallback: 259_200 },
  passwordReset: { option: 'passwordResetToken', fallback: 1_800 },
  emailChange: { option: 'emailChangeToken', fallback: 1_800 },
};

export interface RecordTokenClaims {
  id: string;
  collectionId: string;
  type: RecordTokenType;
  /** The address the token was issued for: a later change of address voids it. */
  email: string;
  /** Email change only: the address to switch to. */
  newEmail?: string;
}

/** The purpose is part of the key as well as a claim: no token verifies for another purpose. */
function purposeKey(secret: string, tokenKey: string, type: RecordTokenType): Uint8Array {
  return encoder.encode(`${secret}.${tokenKey}.${type}`);
}

/** Signs a one-purpose token, valid for the collection's duration of that purpose. */
export async function signRecordToken(
  secret: string,
  collection: Collection,
  record: { id: string; tokenKey: unknown },
  claims: { type: RecordTokenType; email: string; newEmail?: string },
): Promise<string> {
  const { option, fallback } = durations[claims.type];
  const duration = collection[option]?.duration ?? fallback;
  const { SignJWT } = await loadJose();
  return new SignJWT({ id: record.id, collectionId: collection.id, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + duration)
    .sign(purposeKey(secret, String(record.tokenKey), claims.type));
}

const invalidToken = () =>
  new InvalidPayloadError('Invalid or expired token.', {
    token: { code: 'validation_invalid_token', message: 'Invalid or expired token.' },
  });

/** Reads a one-purpose token's claims without trusting them; a wrong shape or purpose is a 400. */
export function peekRecordToken(
  token: unknown,
  type: RecordTokenType,
  collection: Collection,
): RecordTokenClaims {
  if (typeof token !== 'string' || token === '') throw invalidToken();
  let claims: Record<string, unknown>;
  try {
    claims = unverifiedClaims(token);
  } catch {
    throw invalidToken();
  }
  if (
    claims.type !== type ||
    claims.collectionId !== collection.id ||
    typeof claims.id !== 'string' ||
    typeof claims.email !== 'string' ||
    (type === 'emailChange' && typeof claims.newEmail !== 'string')
  ) {
    throw invalidToken();
  }
  return claims as unknown as RecordTokenClaims;
}

/** Checks the signature (with the record's current tokenKey) and the expiry; any failure is a 400. */
export async function verifyRecordToken(
  secret: string,
  token: string,
  type: RecordTokenType,
  tokenKey: string,
): Promise<RecordTokenClaims> {
  try {
    const { jwtVerify } = await loadJose();
    const { payload } = await jwtVerify(token, purposeKey(secret, tokenKey, type), { algorithms: ['HS256'] });
    if (payload.type !== type) throw invalidToken();
    return payload as unknown as RecordTokenClaims;
  } catch {
    throw invalidToken();
  }
}
