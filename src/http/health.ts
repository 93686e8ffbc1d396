// GET /healthz (the process answers), GET /readyz (database, store and both Python pools usable;
// 503 with the reasons otherwise), GET /metrics (Prometheus text from the daemon's registry).
import { z } from 'zod';
import { publishedYtDlp } from '../download/version.ts';
import { redactText } from '../log/index.ts';
import type { RoutePlugin } from './plugin.ts';

const CHECK_TIMEOUT_MS = 2000;

const Check = z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() });
const Ready = z.object({
  ready: z.boolean(),
  checks: z.object({
    database: Check,
    store: Check,
    pools: Check.extend({ io: z.number().int(), cpu: z.number().int() }),
  }),
});

async function timed(fn: () => Promise<unknown>): Promise<z.infer<typeof Check>> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - t0), error: redactText(err instanceof Error ? err.message : String(err)) };
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: RoutePlugin = async (app, deps) => {
  // ytDlp: the release the workers run (old: more than 90 days; sites break such releases).
  const YtDlp = z.object({ version: z.string(), ageDays: z.number().int().nullable(), old: z.boolean() });
  app.get(
    '/healthz',
    { schema: { tags: ['health'], response: { 200: z.object({ ok: z.literal(true), host: z.string(), ytDlp: YtDlp.optional() }) } } },
    async () => {
      const y = await publishedYtDlp(deps.metrics.registry);
      return { ok: true as const, host: deps.metrics.hostId, ...(y ? { ytDlp: { version: y.version, ageDays: y.ageDays, old: y.old } } : {}) };
    },
  );

  app.get('/readyz', { schema: { tags: ['health'], response: { 200: Ready, 503: Ready } } }, async (_req, reply) => {
    const [database, store] = await Promise.all([
      timed(() => deps.db.query('SELECT 1')),
      timed(() => deps.store.exists('.heaters-readyz')),
    ]);
    const io = deps.ioPool.stats().size;
    const cpu = deps.cpuPool.stats().size;
    const poolsOk = io > 0 && cpu > 0;
    const pools = { ok: poolsOk, ms: 0, io, cpu, ...(poolsOk ? {} : { error: `no Python worker alive (io ${io}, cpu ${cpu})` }) };
    const ready = database.ok && store.ok && pools.ok;
    return reply.code(ready ? 200 : 503).send({ ready, checks: { database, store, pools } });
  });

  app.get('/metrics', { schema: { tags: ['health'], produces: ['text/plain'] } }, async (_req, reply) => {
    return reply.header('content-type', deps.metrics.contentType).send(await deps.metrics.render());
  });
};
