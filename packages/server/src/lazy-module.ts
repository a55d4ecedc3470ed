import { createRequire } from 'node:module';

const requireModule = createRequire(import.meta.url);

/**
 * A CommonJS package loaded on first use rather than at start-up: what only some setups need (the
 * PostgreSQL driver, the Redis client) costs the others no memory.
 */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= requireModule(specifier) as T;
    return loaded;
  };
}
