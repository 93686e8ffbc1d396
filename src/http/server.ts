// The daemon's one HTTP listener (Fastify 5): health, readiness, metrics, the review API with its
// OpenAPI document, media, and the review page. Refuses to start on a non-loopback host without a
// token (see security.ts). Port 0 in the config means no listener.
import Fastify from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { HttpDeps } from './deps.ts';
import { installErrors } from './errors.ts';
import { ROUTES, type HttpApp } from './routes.ts';
import { checkBind, installSecurity } from './security.ts';

export interface HttpServer {
  /** http://host:port actually bound (the OS picks the port when asked for an ephemeral one). */
  url: string;
  port: number;
  app: HttpApp;
  close(): Promise<void>;
}

export interface StartHttpOptions {
  host: string;
  port: number;
  token?: string;
}

/** Build the app without listening (tests may `inject`). */
export async function buildHttp(deps: HttpDeps, opts: { token?: string }): Promise<HttpApp> {
  const app = Fastify({ logger: false, trustProxy: false, forceCloseConnections: true }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrors(app, deps.logger.child({ component: 'http' }));
  installSecurity(app, opts.token);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Heaters', description: 'Heaters daemon: health, metrics, review API, media', version: '1' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'HEATERS_REVIEW_TOKEN (required when one is configured)' },
        },
      },
      security: opts.token ? [{ bearer: [] }] : [],
    },
    transform: jsonSchemaTransform,
  });
  for (const plugin of ROUTES) await app.register(async (scope) => plugin(scope as HttpApp, deps));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}

export async function startHttp(deps: HttpDeps, opts: StartHttpOptions): Promise<HttpServer> {
  checkBind(opts.host, opts.token);
  if (deps.boss) {
    const boss = deps.boss;
    deps.metrics.bind({
      jobs: async () =>
        (await boss.getQueues()).flatMap((q) => [
          { queue: q.name, state: 'ready', count: q.readyCount },
          { queue: q.name, state: 'deferred', count: q.deferredCount },
          { queue: q.name, state: 'active', count: q.activeCount },
          { queue: q.name, state: 'failed', count: q.failedCount },
        ]),
    });
  }
  const app = await buildHttp(deps, { token: opts.token });
  await app.listen({ host: opts.host, port: opts.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  deps.logger.info({ host: opts.host, port, access: opts.token ? 'token required' : 'loopback only' }, 'http listening');
  return { url: `http://${host}:${port}`, port, app, close: () => app.close() };
}
