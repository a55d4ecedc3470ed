import { randomFillSync } from 'node:crypto';

const lowerAlphanumeric = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const idPattern = /^[a-z0-9]{15}$/;

/**
 * Random bytes drawn from the system a page at a time: each write makes several ids, and one
 * call for each of them costs more than the id itself.
 */
const pool = Buffer.alloc(4096);
let poolUsed = pool.length;

function randomByte(): number {
  if (poolUsed === pool.length) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  return pool[poolUsed++]!;
}

/** A crypto-random string of `length` characters drawn uniformly from `alphabet`. */
export function randomString(length: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < limit) out += alphabet[byte % alphabet.length];
  }
  return out;
}

/** A crypto-random id over [a-z0-9] (15 characters by default, like every record and collection id). */
export function newId(length = 15): string {
  return randomString(length, lowerAlphanumeric);
}

function expandClass(spec: string): string {
  let chars = '';
  for (let i = 0; i < spec.length; i++) {
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      for (let code = spec.charCodeAt(i); code <= spec.charCodeAt(i + 2); code++)
        chars += String.fromCharCode(code);
      i += 2;
    } else chars += spec[i];
  }
  return chars;
}

/**
 * A random value for an autogenerate pattern made of `[class]{n}` parts and literal characters
 * (`[a-z0-9]{15}`, `ord_[A-Z]{4}`); undefined for anything richer.
 */
export function randomFromPattern(pattern: string): string | undefined {
  const source = pattern.replace(/^\^/, '').replace(/\$$/, '');
  let out = '';
  const part = /\[([^\]]+)\]\{(\d+)\}|([A-Za-z0-9_\-:.])/y;
  while (part.lastIndex < source.length) {
    const match = part.exec(source);
    if (!match) return undefined;
    if (match[3] !== undefined) out += match[3];
    else {
      const alphabet = expandClass(match[1]);
      if (alphabet.length === 0 || alphabet.length > 256) return undefined;
      out += randomString(Number(match[2]), alphabet);
    }
  }
  return out;
}
