// Public face of the HTTP listener.
export { buildHttp, startHttp } from './server.ts';
export type { HttpServer, StartHttpOptions } from './server.ts';
export type { HttpDeps } from './deps.ts';
export { ROUTES } from './routes.ts';
export type { HttpApp, RoutePlugin } from './routes.ts';
export { HttpConfigError, checkBind, isLoopback, tokenMatches } from './security.ts';
