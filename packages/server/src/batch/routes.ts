import {
  type ErrorDetails,
  ForbiddenError,
  InvalidPayloadError,
  PayloadTooLargeError,
  SluiceError,
} from '@sluice/hooks';
import type { FastifyRequest } from 'fastify';
import { inTransaction } from '../app/transaction.ts';
import type { App } from '../app/types.ts';
import { errorBody, toSluiceError } from '../http/errors.ts';
import { objectBody } from '../http/guards.ts';
import { emitAction, filterPayload } from '../records/operations/events.ts';
import { type BatchRequest, type BatchResult, runBatchRequest } from './actions.ts';
import { batchMultipartInput } from './multipart.ts';

const NO_TAGS: readonly string[] = [];

/** PocketBase's ceilings when the settings leave them at 0. */
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MAX_BODY_SIZE = 128 << 20;

function invalidRequests(code: string, message: string): SluiceError {
  return new InvalidPayloadError('Invalid batch request data.', { requests: { code, message } });
}

/** The batch's requests, each with a method, a URL and an object body. */
function batchRequests(body: Record<string, unknown>, maxRequests: number): BatchRequest[] {
  const { requests } = body;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw invalidRequests('validation_required', 'Cannot be blank.');
  }
  if (requests.length > maxRequests) {
    throw invalidRequests(
      'validation_length_out_of_range',
      `The length must be no more than ${maxRequests}.`,
    );
  }
  return requests.map((item: unknown, index) => {
    const { method, url, body: requestBody = {} } = (item ?? {}) as Record<string, unknown>;
    const validBody = typeof requestBody === 'object' && requestBody !== null && !Array.isArray(requestBody);
    if (typeof method !== 'string' || typeof url !== 'string' || !validBody) {
      throw invalidRequests(
        'validation_invalid_request',
        `Request ${index} needs a method, a URL and an object body.`,
      );
    }
    return { method, url, body: { ...(requestBody as Record<string, unknown>) } };
  });
}

/**
 * `POST /api/batch`, as PocketBase has it: the requests run one after the other in one
 * transaction, each through the record operations; the first that fails rolls everything back
 * and the answer names its index with the answer it would have had on its own.
 */
export function registerBatchRoutes(app: App): void {
  const { http, services } = app;

  http.post(
    '/api/batch',
    {
      bodyLimit: DEFAULT_MAX_BODY_SIZE,
      // the settings' limit, checked before the body is read
      async onRequest(request) {
        const { maxBodySize } = (await services.settings.current()).batch;
        const length = Number(request.headers['content-length'] ?? 0);
        if (length > (maxBodySize > 0 ? maxBodySize : DEFAULT_MAX_BODY_SIZE)) {
          throw new PayloadTooLargeError('The request body is too large.');
        }
      },
    },
    async (request: FastifyRequest) => {
      const settings = (await services.settings.current()).batch;
      if (!settings.enabled || settings.maxRequests <= 0) {
        throw new ForbiddenError('Batch requests are not allowed.');
      }
      const maxBodySize = settings.maxBodySize > 0 ? settings.maxBodySize : DEFAULT_MAX_BODY_SIZE;
      const body = request.isMultipart()
        ? await batchMultipartInput(request, maxBodySize)
        : objectBody(request);
      const requests = batchRequests(body, settings.maxRequests);
      const timeout = (settings.timeout > 0 ? settings.timeout : DEFAULT_TIMEOUT_SECONDS) * 1000;
      const deadline = Date.now() + timeout;
      const ctx = app.context({ accountability: request.accountability, request });
      return inTransaction(app, ctx, async (tx) => {
        const meta = { event: 'records.batch' };
        const given = await filterPayload(app, 'records.batch', requests, meta, tx, NO_TAGS);
        // what a hook left is checked as what the client sent
        const filtered =
          given === requests ? requests : batchRequests({ requests: given }, Number.POSITIVE_INFINITY);
        const results: BatchResult[] = [];
        for (const [index, item] of filtered.entries()) {
          if (Date.now() > deadline) {
            throw new SluiceError(
              400,
              'SLUICE_ERR_BATCH_TIMEOUT',
              'Batch transaction failed: it took too long.',
            );
          }
          try {
            results.push(await runBatchRequest(app, item, tx));
          } catch (error) {
            throw failedAt(index, error);
          }
        }
        emitAction(app, 'records.batch', { ...meta, payload: filtered, results }, tx, NO_TAGS);
        return results;
      });
    },
  );
}

/** A request's expected failure as PocketBase reports it; an unexpected one stays what it is. */
function failedAt(index: number, error: unknown): unknown {
  const { error: typed, unexpected } = toSluiceError(error);
  if (unexpected) return error;
  const response = errorBody(typed);
  // PocketBase nests the failed request's answer one level deeper than a field's error
  const requests = { [index]: { code: 'batch_request_failed', message: 'Batch request failed.', response } };
  return new InvalidPayloadError('Batch transaction failed.', { requests } as unknown as ErrorDetails);
}
