import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { objectBody } from '../http/guards.ts';
import { MFARequiredError } from './mfa.ts';
import { authWithOAuth2 } from './operations/auth-with-oauth2.ts';
import { authWithPassword } from './operations/auth-with-password.ts';
import { confirmEmailChange } from './operations/confirm-email-change.ts';
import { confirmPasswordReset } from './operations/confirm-password-reset.ts';
import { confirmVerification } from './operations/confirm-verification.ts';
import { listExternalAuths, unlinkExternalAuth } from './operations/external-auths.ts';
import { impersonate } from './operations/impersonate.ts';
import { authMethods } from './operations/methods.ts';
import {
  FAILURE_PAGE,
  failurePage,
  forwardOAuth2Redirect,
  relayOAuth2Redirects,
  SUCCESS_PAGE,
  successPage,
} from './operations/oauth2-redirect.ts';
import { authWithOTP, requestOTP } from './operations/otp.ts';
import { refreshAuth } from './operations/refresh.ts';
import { requestEmailChange } from './operations/request-email-change.ts';
import { requestPasswordReset } from './operations/request-password-reset.ts';
import { requestVerification } from './operations/request-verification.ts';
import { RateLimiter } from './rate-limit.ts';

interface CollectionParams {
  collection: string;
}

interface RecordParams extends CollectionParams {
  id: string;
}

/** A sign-in that needs a second method answers 401 `{mfaId}`, the body PocketBase's SDK reads. */
async function answeringMFA<T>(reply: FastifyReply, signIn: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await signIn();
  } catch (error) {
    if (error instanceof MFARequiredError) return reply.status(401).send({ mfaId: error.mfaId });
    throw error;
  }
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
    authMethods(services.records.collection(request.params.collection), app.logger),
  );

  const signIns = [
    ['auth-with-password', authWithPassword],
    ['auth-with-oauth2', authWithOAuth2],
    ['auth-with-otp', authWithOTP],
  ] as const;
  for (const [path, operation] of signIns) {
    http.post<{ Params: CollectionParams }>(
      `/api/collections/:collection/${path}`,
      async (request, reply) => {
        const collection = await countAttempt(request, path);
        // the SDK sends the MFA session as a query parameter, as PocketBase reads it
        const { mfaId } = request.query as { mfaId?: unknown };
        const body = mfaId === undefined ? objectBody(request) : { ...objectBody(request), mfaId };
        return answeringMFA(reply, () => operation(app, collection, body, contextOf(request)));
      },
    );
  }

  http.post<{ Params: CollectionParams }>('/api/collections/:collection/request-otp', async (request) => {
    const collection = await countAttempt(request, 'request-otp');
    return requestOTP(app, collection, objectBody(request), contextOf(request));
  });

  http.post<{ Params: RecordParams }>('/api/collections/:collection/impersonate/:id', (request) => {
    const collection = services.records.collection(request.params.collection);
    return impersonate(app, collection, request.params.id, objectBody(request), contextOf(request));
  });

  http.get<{ Params: RecordParams }>('/api/collections/:collection/records/:id/external-auths', (request) => {
    const collection = services.records.collection(request.params.collection);
    return listExternalAuths(app, collection, request.params.id, contextOf(request));
  });

  http.delete<{ Params: RecordParams & { provider: string } }>(
    '/api/collections/:collection/records/:id/external-auths/:provider',
    async (request, reply) => {
      const { params } = request;
      const collection = services.records.collection(params.collection);
      await unlinkExternalAuth(app, collection, params.id, params.provider, contextOf(request));
      return reply.status(204).send();
    },
  );

  // The OAuth2 popup flow: the provider's redirect goes to the realtime client waiting for it.
  // Only this route reads form bodies (Apple's form_post); the API stays JSON.
  const redirect = (request: FastifyRequest, reply: FastifyReply) =>
    forwardOAuth2Redirect(app, request, reply);
  relayOAuth2Redirects(app);
  http.get('/api/oauth2-redirect', redirect);
  http.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.post('/api/oauth2-redirect', redirect);
  });
  http.get(SUCCESS_PAGE, (_request, reply) => reply.type('text/html; charset=utf-8').send(successPage));
  http.get(FAILURE_PAGE, (_request, reply) => reply.type('text/html; charset=utf-8').send(failurePage));

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
