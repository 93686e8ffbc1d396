// The listener's route plugins, registered in this order. To add routes (for example an export
// plugin), write a RoutePlugin in your own folder and add one line to ROUTES.
import type { RoutePlugin } from './plugin.ts';
import { healthRoutes } from './health.ts';
import { mediaRoutes } from './media.ts';
import { pageRoutes } from './page.ts';
import { reviewApiRoutes } from './review-api.ts';
import { exportRoutes } from '../export/index.ts';

export type { HttpApp, RoutePlugin } from './plugin.ts';

export const ROUTES: RoutePlugin[] = [
  healthRoutes,
  reviewApiRoutes,
  exportRoutes,
  mediaRoutes,
  pageRoutes,
];
