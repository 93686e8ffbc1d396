// Prometheus metrics of one daemon (prom-client). One registry per daemon, not prom-client's global
// one: tests run several daemons in one process. Stages record into it; the HTTP listener serves
// `render()` at GET /metrics. Gauges that mirror state elsewhere (pools, pg-boss queues, host
// heartbeats) are read when scraped, so they are never stale and cost nothing between scrapes.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolStats } from '../pool/index.ts';

/** What the scrape-time gauges read. Each source is optional so that a partial daemon still scrapes. */
export interface MetricSources {
  pools?: () => PoolStats[];
  /** Jobs per pg-boss queue and state. */
  jobs?: () => Promise<Array<{ queue: string; state: string; count: number }>>;
  /** Seconds since each known host's last heartbeat. */
  hosts?: () => Promise<Array<{ hostId: string; ageSeconds: number }>>;
}

export class Metrics {
  readonly registry = new Registry();
  private sources: MetricSources = {};

  readonly stageDuration = new Histogram({
    name: 'heaters_stage_duration_seconds',
    help: 'Wall time of one stage run',
    labelNames: ['stage', 'result'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600, 1800],
    registers: [this.registry],
  });
  readonly failures = new Counter({
    name: 'heaters_stage_failures_total',
    help: 'Failed stage runs by typed error code (retried or final)',
    labelNames: ['stage', 'code', 'final'] as const,
    registers: [this.registry],
  });
  readonly storeBytes = new Counter({
    name: 'heaters_store_bytes_total',
    help: 'Bytes moved to (up) and from (down) the object store',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });
  readonly recoveries = new Counter({
    name: 'heaters_recoveries_total',
    help: 'Stage runs that recovered a missing input, by where from (store, redownload)',
    labelNames: ['stage', 'from'] as const,
    registers: [this.registry],
  });

  readonly downloadDeferrals = new Counter({
    name: 'heaters_download_deferrals_total',
    help: 'Downloads sent again for later because their site was busy, by site and reason (site full, start spacing, cooldown)',
    labelNames: ['site', 'reason'] as const,
    registers: [this.registry],
  });

  readonly hostId: string;

  constructor(hostId: string) {
    this.hostId = hostId;
    this.registry.setDefaultLabels({ host: hostId });
    const self = this;
    new Gauge({
      name: 'heaters_pool_workers',
      help: 'Python pool workers by pool and kind (size, busy, available, waiting callers)',
      labelNames: ['pool', 'kind'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of self.sources.pools?.() ?? []) {
          for (const kind of ['size', 'busy', 'available', 'waiting'] as const) this.set({ pool: s.name, kind }, s[kind]);
        }
      },
    });
    new Gauge({
      name: 'heaters_pool_restarts',
      help: 'Python workers replaced since start, by pool and reason (crashed, recycled)',
      labelNames: ['pool', 'reason'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of self.sources.pools?.() ?? []) {
          this.set({ pool: s.name, reason: 'crashed' }, s.crashed);
          this.set({ pool: s.name, reason: 'recycled' }, s.recycled);
        }
      },
    });
    new Gauge({
      name: 'heaters_jobs',
      help: 'pg-boss jobs by queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const j of (await self.sources.jobs?.().catch(() => [])) ?? []) this.set({ queue: j.queue, state: j.state }, j.count);
      },
    });
    new Gauge({
      name: 'heaters_host_heartbeat_age_seconds',
      help: 'Seconds since each host last refreshed its liveness row',
      labelNames: ['host_id'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const h of (await self.sources.hosts?.().catch(() => [])) ?? []) this.set({ host_id: h.hostId }, h.ageSeconds);
      },
    });
  }

  /** Attach the live sources once the daemon has built them. */
  bind(sources: MetricSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
