import { decodeJwt, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { unverifiedClaims } from './jose.ts';

describe('unverifiedClaims', () => {
  it("reads a token's claims as jose's decodeJwt does", async () => {
    const token = await new SignJWT({ id: 'r1', collectionId: 'c1', type: 'auth', name: 'Zoë ✓' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime(2_000_000_000)
      .sign(new TextEncoder().encode('secret'));
    expect(unverifiedClaims(token)).toEqual(decodeJwt(token));
  });

  it('throws on what is not a signed JWT with an object of claims', () => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(() => unverifiedClaims('not a token')).toThrow();
    expect(() => unverifiedClaims(`${part({})}.${part({ id: 1 })}`)).toThrow();
    expect(() => unverifiedClaims(`${part({})}.${part([1, 2])}.sig`)).toThrow();
    expect(() => unverifiedClaims(`${part({})}.${part('text')}.sig`)).toThrow();
    expect(() => unverifiedClaims(`${part({})}.!!!.sig`)).toThrow();
  });
});
