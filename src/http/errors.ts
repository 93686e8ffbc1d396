// One error shape for every route: {error: <snake_case code>, message, ...}. Review refusals keep
// their code and status; request validation is 400 invalid_request with zod's issues; anything else
// is a 500 whose message is logged (redacted), never returned.
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Logger } from '../log/index.ts';
import { ReviewError } from '../review/index.ts';
import { z } from 'zod';

export const ErrorBody = z.object({ error: z.string(), message: z.string() }).passthrough();

export function installErrors(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof ReviewError) return reply.code(err.status).send({ error: err.code, message: err.message, ...err.details });
    if (hasZodFastifySchemaValidationErrors(err))
      return reply.code(400).send({ error: 'invalid_request', message: err.message, issues: err.validation });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
      return reply.code(err.statusCode).send({ error: (err.code ?? 'bad_request').toLowerCase(), message: err.message });
    logger.error({ err, method: req.method, route: req.routeOptions?.url }, 'http handler failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error (see the daemon log)' });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not_found', message: 'no such route or object' }));
}
