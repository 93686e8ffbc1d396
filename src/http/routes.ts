// The listener's route plugins, registered in this order. To add routes (for example an export
// plugin), write a RoutePlugin in your own folder and add one line to ROUTES.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { HttpDeps } from './deps.ts';
import { healthRoutes } from './health.ts';
import { mediaRoutes } from './media.ts';
import { pageRoutes } from './page.ts';
import { reviewApiRoutes } from './review-api.ts';
import { exportRoutes } from '../export/index.ts';

export type HttpApp = FastifyInstance<any, any, any, any, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type RoutePlugin = (app: HttpApp, deps: HttpDeps) => Promise<void>;

export const ROUTES: RoutePlugin[] = [
  healthRoutes,
  reviewApiRoutes,
  exportRoutes,
  mediaRoutes,
  pageRoutes,
];
