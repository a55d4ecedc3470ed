import { ForbiddenError, InvalidPayloadError, UnauthorizedError } from '@sluice/hooks';
import type { FastifyRequest } from 'fastify';

export function requireSuperuser(request: FastifyRequest): void {
  if (request.accountability.admin) return;
  if (request.accountability.user === null)
    throw new UnauthorizedError('The request requires superuser authorization.');
  throw new ForbiddenError('Only superusers can perform this action.');
}

/** The JSON object body of a write; anything else is a 400 before any hook runs. */
export function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body === undefined ? {} : request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidPayloadError('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}
