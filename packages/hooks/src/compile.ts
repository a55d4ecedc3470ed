import { carriesTag, type Registration } from './registry.ts';
import { FilterStopped } from './stopped.ts';

/**
 * A filter chain compiled to straight-line code: one call site per handler, so each stays
 * monomorphic and the whole chain can be inlined (the technique tapable uses). Handlers are
 * passed in as arguments; no user text ever becomes source.
 */
export type CompiledChain = (
  payload: unknown,
  meta: unknown,
  ctx: unknown,
  tags: readonly string[] | undefined,
  holdsSlot?: boolean,
) => unknown;

/** Called when handler `index` returned a promise: the rest of the chain continues from there. */
export type Continue = (
  index: number,
  pending: PromiseLike<unknown>,
  payload: unknown,
  meta: unknown,
  ctx: unknown,
  tags: readonly string[] | undefined,
  holdsSlot: boolean,
) => unknown;

export type Wrap = (error: unknown, index: number) => unknown;

let compiled = 0;

export function compileChain(
  registrations: readonly Registration[],
  proceed: Continue,
  wrap: Wrap,
): CompiledChain {
  const lines: string[] = ['var r, i = -1;', 'try {'];
  registrations.forEach((registration, index) => {
    const call = [
      `i = ${index}; r = h${index}(p, m, c);`,
      'if (r !== undefined && r !== p) {',
      '  if (r === false) return new FilterStopped(p);',
      `  if (r !== null && typeof r.then === 'function') return proceed(${index}, r, p, m, c, t, s);`,
      '  p = r;',
      '}',
    ].join('\n');
    lines.push(registration.tags === null ? call : `if (carriesTag(g${index}, t)) {\n${call}\n}`);
  });
  lines.push('} catch (error) { throw wrap(error, i); }', 'return p;');
  const names = registrations.flatMap((_, index) => [`h${index}`, `g${index}`]);
  const values = registrations.flatMap((registration) => [registration.handler, registration]);
  const factory = new Function(
    'proceed',
    'wrap',
    'carriesTag',
    'FilterStopped',
    ...names,
    // V8 caches what `new Function` compiles by its source: chains of the same shape would
    // share one function, and their handlers' call sites the feedback of every event
    `// chain ${++compiled}\nreturn function chain(p, m, c, t, s) {\n${lines.join('\n')}\n};`,
  );
  return factory(proceed, wrap, carriesTag, FilterStopped, ...values) as CompiledChain;
}
