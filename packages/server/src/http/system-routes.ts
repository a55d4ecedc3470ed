import { isStopped } from '@sluice/hooks';
import type { App } from '../app/types.ts';

/** `/api/health` (200 once ready) and `/api/now` (the server time, through the `server.now` filter). */
export function registerSystemRoutes(app: App): void {
  app.http.get('/api/health', () => ({ code: 200, message: 'API is healthy.', data: {} }));
  app.http.get('/api/now', async (request) => {
    const outcome = await app.hooks.runFilter(
      'server.now',
      { now: new Date().toISOString() },
      { request },
      app.context({ accountability: request.accountability, request }),
    );
    // a stop ends the chain, not the answer: the time as the chain left it
    return isStopped(outcome) ? outcome.payload : outcome;
  });
}
