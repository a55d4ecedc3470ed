import { randomBytes } from 'node:crypto';

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
const unbiasedLimit = 252;

export const idPattern = /^[a-z0-9]{15}$/;

/** A crypto-random string over [a-z0-9] (15 characters by default, like every record and collection id). */
export function newId(length = 15): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= unbiasedLimit) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}
