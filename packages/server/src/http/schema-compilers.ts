import type { FastifyServerOptions } from 'fastify';
import { lazyModule } from '../lazy-module.ts';

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;
type Selector = (...args: unknown[]) => (...args: unknown[]) => unknown;

const ajvCompiler = lazyModule<() => Selector>('@fastify/ajv-compiler');
const serializerCompiler = lazyModule<() => Selector>('@fastify/fast-json-stringify-compiler');

/**
 * Fastify's own schema compilers (Ajv, fast-json-stringify), loaded when a route first has a
 * schema rather than when the server is made: Sluice's routes have none, so a server whose
 * extensions add none never loads them.
 */
export function lazySchemaCompilers(): CompilersFactory {
  let validator: Selector | undefined;
  let serializer: Selector | undefined;
  return {
    buildValidator: ((...args: unknown[]) => {
      validator ??= ajvCompiler()();
      return validator(...args);
    }) as CompilersFactory['buildValidator'],
    buildSerializer: ((...args: unknown[]) => {
      serializer ??= serializerCompiler()();
      return serializer(...args);
    }) as CompilersFactory['buildSerializer'],
  };
}
