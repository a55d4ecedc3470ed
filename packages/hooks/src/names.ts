/**
 * Event names are dot-separated segments; a pattern may use `*` for exactly one whole segment.
 */
export type CompiledPattern = readonly string[];

const SEGMENT = /^(\*|[A-Za-z0-9_:@-]+)$/;

export function isValidPattern(pattern: string): boolean {
  if (typeof pattern !== 'string' || pattern.length === 0) return false;
  return pattern.split('.').every((segment) => SEGMENT.test(segment));
}

export function compilePattern(pattern: string): CompiledPattern {
  return pattern.split('.');
}

export function hasWildcard(pattern: string): boolean {
  return pattern.split('.').includes('*');
}

export function matchesPattern(pattern: CompiledPattern, name: string): boolean {
  const segments = name.split('.');
  if (segments.length !== pattern.length) return false;
  for (let i = 0; i < segments.length; i++) {
    if (pattern[i] !== '*' && pattern[i] !== segments[i]) return false;
  }
  return true;
}
