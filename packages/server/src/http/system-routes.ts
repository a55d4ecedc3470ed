import type { App } from '../app/types.ts';

/** `/api/health` (200 once ready) and `/api/now` (the server time, through the `server.now` filter). */
export function registerSystemRoutes(app: App): void {
  app.http.get('/api/health', () => ({ code: 200, message: 'API is healthy.', data: {} }));
  app.http.get('/api/now', (request) =>
    app.hooks.runFilter(
      'server.now',
      { now: new Date().toISOString() },
      { request },
      app.context({ accountability: request.accountability, request }),
    ),
  );
}
