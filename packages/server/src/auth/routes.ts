import type { FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { objectBody } from '../http/guards.ts';
import { authWithPassword } from './operations/auth-with-password.ts';
import { confirmEmailChange } from './operations/confirm-email-change.ts';
import { confirmPasswordReset } from './operations/confirm-password-reset.ts';
import { confirmVerification } from './operations/confirm-verification.ts';
import { authMethods } from './operations/methods.ts';
import { refreshAuth } from './operations/refresh.ts';
import { requestEmailChange } from './operations/request-email-change.ts';
import { requestPasswordReset } from './operations/request-password-reset.ts';
import { requestVerification } from './operations/request-verification.ts';
import { RateLimiter } from './rate-limit.ts';

interface CollectionParams {
  collection: string;
}

/** Auth endpoints of auth collections (`_superusers` included), rate limited per client. */
export function registerAuthRoutes(app: App): void {
  const { http, services } = app;
  const limiter = new RateLimiter();
  /**
   * The collection the URL names, once the attempt is counted: one window per client address,
   * collection id and endpoint (the URL may name a collection by its id, or by its name in any
   * case), so that requesting emails does not use up sign-in attempts (and the reverse).
   */
  const countAttempt = async (request: FastifyRequest<{ Params: CollectionParams }>, endpoint: string) => {
    const collection = services.records.collection(request.params.collection);
    const { rateLimits } = await services.settings.current();
    if (rateLimits.enabled)
      limiter.hit(`${request.ip} ${collection.id} ${endpoint}`, rateLimits.maxAuthAttemptsPerMinute);
    return collection;
  };
  const contextOf = (request: FastifyRequest) =>
    app.context({ accountability: request.accountability, request });

  http.get<{ Params: CollectionParams }>('/api/collections/:collection/auth-methods', (request) =>
    authMethods(services.records.collection(request.params.collection)),
  );

  http.post<{ Params: CollectionParams }>(
    '/api/collections/:collection/auth-with-password',
    async (request) => {
      const collection = await countAttempt(request, 'auth-with-password');
      return authWithPassword(app, collection, objectBody(request), contextOf(request));
    },
  );

  http.post<{ Params: CollectionParams }>('/api/collections/:collection/auth-refresh', (request) => {
    const collection = services.records.collection(request.params.collection);
    return refreshAuth(app, collection, contextOf(request));
  });

  // The email flows: each answers 204.
  const flows = [
    ['request-password-reset', requestPasswordReset],
    ['confirm-password-reset', confirmPasswordReset],
    ['request-verification', requestVerification],
    ['confirm-verification', confirmVerification],
    ['request-email-change', requestEmailChange],
    ['confirm-email-change', confirmEmailChange],
  ] as const;
  for (const [path, operation] of flows) {
    http.post<{ Params: CollectionParams }>(
      `/api/collections/:collection/${path}`,
      async (request, reply) => {
        const collection = await countAttempt(request, path);
        await operation(app, collection, objectBody(request), contextOf(request));
        return reply.status(204).send();
      },
    );
  }
}
