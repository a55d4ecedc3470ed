import type { ServerResponse } from 'node:http';
import { InvalidPayloadError } from '@sluice/hooks';
import type { App } from '../app/types.ts';
import { objectBody, requireSuperuser } from '../http/guards.ts';
import { keyFromHeader } from '../plugins/keys.ts';
import { CompiledSubscription, unknownPattern } from '../webhooks/patterns.ts';

const HEARTBEAT_MS = 15_000;

/**
 * `POST /api/events` (a plugin's key, or a superuser): dispatches a custom event.
 * `GET /api/events/stream?filter=<patterns>` (superusers): server-sent events of every event
 * this instance fires, as it fires; `filter` is a comma-separated list of catalogue patterns or
 * `source/kind/eventName` triples.
 */
export function registerEventRoutes(app: App): void {
  const events = app.services.events;
  const streams = new Set<ServerResponse>();

  app.http.post('/api/events', async (request) => {
    const body = objectBody(request);
    if (keyFromHeader(request.headers.authorization)) {
      const plugin = await app.services.plugins.authenticate(request.headers.authorization);
      return events.dispatch(body, app.context({ request }), plugin.name);
    }
    requireSuperuser(request);
    return events.dispatch(body, app.context({ accountability: request.accountability, request }));
  });

  app.http.get('/api/events/stream', (request, reply) => {
    requireSuperuser(request);
    const filter = String((request.query as Record<string, unknown>).filter ?? '').trim();
    const patterns = filter === '' ? [] : filter.split(',').map((pattern) => pattern.trim());
    const unknown = unknownPattern(app.catalogue, patterns);
    if (unknown !== undefined)
      throw new InvalidPayloadError('Invalid filter.', {
        filter: { code: 'validation_unknown_event', message: `"${unknown}" matches no event that fires.` },
      });
    const wanted = patterns.length > 0 ? new CompiledSubscription({ events: patterns, tags: [] }) : undefined;

    reply.hijack();
    const response = reply.raw;
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined) response.setHeader(name, value);
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(': connected\n\n');
    streams.add(response);
    const stop = events.stream.listen((event) => {
      if (wanted && !wanted.matches(event.name, event.tags, () => event)) return;
      response.write(`id: ${event.id}\nevent: ${event.name}\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => response.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    response.on('close', () => {
      stop();
      clearInterval(heartbeat);
      streams.delete(response);
    });
  });

  app.http.addHook('preClose', async () => {
    for (const response of streams) response.end();
  });
}
