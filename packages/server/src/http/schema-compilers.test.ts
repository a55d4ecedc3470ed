import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { lazySchemaCompilers } from './schema-compilers.ts';

describe('lazySchemaCompilers', () => {
  it("validates and serializes a route's schemas as Fastify's own compilers do", async () => {
    const http = Fastify({ schemaController: { compilersFactory: lazySchemaCompilers() } });
    http.post(
      '/things',
      {
        schema: {
          body: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string', minLength: 2 } },
          },
          response: { 200: { type: 'object', properties: { name: { type: 'string' } } } },
        },
      },
      async (request) => ({ ...(request.body as object), secret: 'left out by the response schema' }),
    );
    const bad = await http.inject({ method: 'POST', url: '/things', payload: { name: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('name');
    const good = await http.inject({ method: 'POST', url: '/things', payload: { name: 'sluice' } });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({ name: 'sluice' });
    await http.close();
  });
});
