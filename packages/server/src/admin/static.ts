import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from '../app/types.ts';

/**
 * The admin UI's pages load only what the server itself serves: no inline script or style, no
 * other origin, not framed.
 */
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': ADMIN_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Where the built UI is: the `dist` folder of the `@sluice/admin` workspace. */
export function adminDistDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@sluice/admin/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

function readIndex(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  try {
    return readFileSync(join(dir, 'index.html'), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * `/_/`: the admin UI's files, and its index page for any other path below (the UI routes by the
 * URL's hash, so every page is the index). Assets have hashed names and are cached for good.
 */
export function registerAdminStatic(app: App, dir = adminDistDir()): void {
  const index = readIndex(dir);
  app.http.get('/_', (_request, reply) => reply.redirect('/_/'));
  const sendIndex = (_request: unknown, reply: FastifyReply) => {
    reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' });
    if (index === undefined)
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The admin UI is not built: run `npm run build -w @sluice/admin`.');
    return reply.type('text/html; charset=utf-8').send(index);
  };
  app.http.get('/_/', sendIndex);
  app.http.get('/_/*', sendIndex);
  if (index === undefined || !dir) return;
  app.http.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/_/assets/',
    decorateReply: false,
    index: false,
    immutable: true,
    maxAge: '365d',
    setHeaders: (response) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    },
  });
}
