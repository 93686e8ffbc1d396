// The shape of a route plugin: apart from routes.ts (which imports every plugin), so that plugins can
// name it without an import cycle.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { HttpDeps } from './deps.ts';

export type HttpApp = FastifyInstance<any, any, any, any, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type RoutePlugin = (app: HttpApp, deps: HttpDeps) => Promise<void>;
