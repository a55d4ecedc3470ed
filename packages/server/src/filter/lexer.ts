import type { ComparisonOperator } from './ast.ts';
import { invalidFilter } from './errors.ts';

export type Token =
  | { kind: 'string'; value: string; position: number; text: string }
  | { kind: 'number'; value: number; position: number; text: string }
  | { kind: 'identifier'; value: string; position: number; text: string }
  | { kind: 'operator'; value: ComparisonOperator; position: number; text: string }
  | { kind: 'and' | 'or' | 'open' | 'close' | 'comma' | 'end'; position: number; text: string };

// Longest first, so that `?!=` is not read as `?` followed by `!=`.
const comparisonOperators: ComparisonOperator[] = [
  '?!=',
  '?!~',
  '?>=',
  '?<=',
  '?=',
  '?>',
  '?<',
  '?~',
  '!=',
  '!~',
  '>=',
  '<=',
  '=',
  '>',
  '<',
  '~',
];

const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"' };

const identifierStart = /[A-Za-z_@]/;
const identifierPart = /[A-Za-z0-9_@.:]/;
const digit = /[0-9]/;

/** Quotes what the user wrote so that an error message can point at it. */
export function describeToken(token: Token): string {
  return token.kind === 'end' ? 'end of filter' : JSON.stringify(token.text);
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index];
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    if (source.startsWith('//', index)) {
      const lineEnd = source.indexOf('\n', index);
      index = lineEnd === -1 ? source.length : lineEnd + 1;
      continue;
    }
    const start = index;
    if (char === '"' || char === "'") {
      index = readString(source, index, tokens);
      continue;
    }
    if (digit.test(char) || (char === '-' && digit.test(source[index + 1] ?? ''))) {
      index++;
      while (index < source.length && digit.test(source[index])) index++;
      if (source[index] === '.' && digit.test(source[index + 1] ?? '')) {
        index++;
        while (index < source.length && digit.test(source[index])) index++;
      }
      const text = source.slice(start, index);
      tokens.push({ kind: 'number', value: Number(text), position: start, text });
      continue;
    }
    if (identifierStart.test(char)) {
      while (index < source.length && identifierPart.test(source[index])) index++;
      const text = source.slice(start, index);
      tokens.push({ kind: 'identifier', value: text, position: start, text });
      continue;
    }
    if (source.startsWith('&&', index) || source.startsWith('||', index)) {
      tokens.push({
        kind: char === '&' ? 'and' : 'or',
        position: start,
        text: source.slice(start, start + 2),
      });
      index += 2;
      continue;
    }
    if (char === ',') {
      tokens.push({ kind: 'comma', position: start, text: char });
      index++;
      continue;
    }
    if (char === '(' || char === ')') {
      tokens.push({ kind: char === '(' ? 'open' : 'close', position: start, text: char });
      index++;
      continue;
    }
    const operator = comparisonOperators.find((candidate) => source.startsWith(candidate, index));
    if (operator) {
      tokens.push({ kind: 'operator', value: operator, position: start, text: operator });
      index += operator.length;
      continue;
    }
    throw invalidFilter(`unexpected ${JSON.stringify(char)} at position ${start}`);
  }
  tokens.push({ kind: 'end', position: source.length, text: '' });
  return tokens;
}

/** Reads a quoted string starting at `start`; returns the index after its closing quote. */
function readString(source: string, start: number, tokens: Token[]): number {
  const quote = source[start];
  let value = '';
  let index = start + 1;
  while (index < source.length) {
    const char = source[index];
    if (char === quote) {
      tokens.push({ kind: 'string', value, position: start, text: source.slice(start, index + 1) });
      return index + 1;
    }
    if (char === '\\' && index + 1 < source.length) {
      const next = source[index + 1];
      // An unknown escape stays as written, so `'50\%%'` reaches LIKE with its escape intact.
      value += escapes[next] ?? char + next;
      index += 2;
      continue;
    }
    value += char;
    index++;
  }
  throw invalidFilter(`unterminated string starting at position ${start}`);
}
