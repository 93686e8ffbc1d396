// pg-boss 12 setup: one started instance, the stage queues, and the ingest entry point.
import { PgBoss, type Queue, type QueuePolicy } from 'pg-boss';
import type { Logger } from '../log/index.ts';
import { IngestJob, ingestKeyOf } from './ingest-job.ts';
import { HOST_STAGES, QUEUES, hostQueue, type QueueKey } from './names.ts';

export type StartBossOptions = {
  url: string;
  logger: Logger;
  /** pg-boss schema (default 'pgboss'). */
  schema?: string;
  /** Pool size of pg-boss' own connections (default 10). */
  max?: number;
};

/**
 * Start pg-boss with LISTEN/NOTIFY wake-up (`useListenNotify`; queues opt in with `notify: true`,
 * see QUEUE_CONFIG): a job is handed to a waiting worker in a few ms instead of after a poll.
 * Polling stays on as a floor (the worker's notifyPollingIntervalSeconds, default 30 s).
 */
export async function startBoss(opts: StartBossOptions): Promise<PgBoss> {
  const log = opts.logger.child({ component: 'pg-boss' });
  const boss = new PgBoss({
    connectionString: opts.url,
    schema: opts.schema ?? 'pgboss',
    max: opts.max ?? 10,
    application_name: 'heaters-boss',
    useListenNotify: true,
    // How often a live instance looks for jobs whose worker stopped heart-beating (a killed daemon):
    // with the stage queues' heartbeatSeconds, such a job is retried within ~15 s, not at expiry.
    superviseIntervalSeconds: SUPERVISE_S,
    monitorIntervalSeconds: SUPERVISE_S,
  });
  boss.on('error', (err) => log.error({ err }, 'pg-boss error'));
  boss.on('warning', (w) => log.warn({ data: w.data }, `pg-boss warning: ${w.message}`));
  await boss.start();
  return boss;
}

type QueueConfig = Omit<Queue, 'name'>;

const HOUR = 3600;
const MIN = 60;
const SUPERVISE_S = 5;
/** A stage job whose worker has not refreshed its heartbeat for this long is failed and retried (pg-boss minimum: 10). */
export const JOB_HEARTBEAT_S = 10;
/** How often a running handler refreshes its job's heartbeat: a 5 s database blip does not lapse a claim. */
export const JOB_HEARTBEAT_REFRESH_S = 2;

/**
 * Per-queue settings. Expiry is only a hard cap on one attempt (sized for media work); a killed
 * worker is noticed by its job's heartbeat (JOB_HEARTBEAT_S) long before. Every stage retries with exponential backoff and ends in
 * heaters.dead. `heaters.ingest` is a standard queue so that a plain `boss.send('heaters.ingest',
 * {url})` from any program works; duplicates are folded into one video by the videos table's
 * unique idempotency key (createOrGetVideo), and the job's output names that video.
 */
export const QUEUE_CONFIG: Record<QueueKey, QueueConfig> = {
  ingest: { expireInSeconds: 5 * MIN, retryLimit: 3, retryDelay: 5, retryBackoff: true, retryDelayMax: 5 * MIN },
  download: { expireInSeconds: 1 * HOUR, heartbeatSeconds: JOB_HEARTBEAT_S, retryLimit: 3, retryDelay: 5, retryBackoff: true, retryDelayMax: 30 * MIN },
  preprocess: { expireInSeconds: 1 * HOUR, heartbeatSeconds: JOB_HEARTBEAT_S, retryLimit: 3, retryDelay: 5, retryBackoff: true, retryDelayMax: 30 * MIN },
  detect: { expireInSeconds: 30 * MIN, heartbeatSeconds: JOB_HEARTBEAT_S, retryLimit: 3, retryDelay: 5, retryBackoff: true, retryDelayMax: 30 * MIN },
  finalize: { expireInSeconds: 30 * MIN, heartbeatSeconds: JOB_HEARTBEAT_S, retryLimit: 5, retryDelay: 5, retryBackoff: true, retryDelayMax: 30 * MIN },
  // One clip cut and stored per job (src/export); a restore in progress re-queues itself instead.
  export: { expireInSeconds: 1 * HOUR, retryLimit: 3, retryDelay: 10, retryBackoff: true, retryDelayMax: 30 * MIN },
  // Kept a month for inspection / redrive; nothing retries here.
  dead: { retryLimit: 0, retentionSeconds: 30 * 24 * HOUR, deleteAfterSeconds: 30 * 24 * HOUR },
};

export type QueueOverrides = Partial<Record<QueueKey, Partial<Omit<QueueConfig, 'policy' | 'partition'>>>>;

/**
 * Create (or bring up to date) every Heaters queue. Idempotent: pg-boss' createQueue ignores an
 * existing queue, so the settings are then applied with updateQueue. A queue created earlier with
 * another policy cannot be changed in place: that is an error to fix by hand (deleteQueue).
 */
export async function createQueues(boss: PgBoss, overrides: QueueOverrides = {}, opts: { hostId?: string } = {}): Promise<void> {
  // The dead-letter queue must exist before the queues that name it.
  const order: QueueKey[] = ['dead', 'ingest', 'download', 'preprocess', 'detect', 'finalize', 'export'];
  // A host's own queues of the stages that follow the download (see hostQueue) share their settings.
  const queues: Array<[QueueKey, string]> = order.map((key) => [key, QUEUES[key]]);
  if (opts.hostId) for (const stage of HOST_STAGES) queues.push([stage, hostQueue(stage, opts.hostId)]);
  for (const [key, name] of queues) {
    const { policy, partition, ...base } = QUEUE_CONFIG[key];
    const settings = {
      ...base,
      notify: key !== 'dead',
      ...(key === 'dead' ? {} : { deadLetter: QUEUES.dead }),
      ...overrides[key],
    };
    // pg-boss only accepts retryDelayMax together with retryBackoff.
    const { retryDelayMax, ...rest } = settings;
    const backoff = settings.retryBackoff === true;
    const existing = await boss.getQueue(name);
    if (!existing) {
      await boss.createQueue(name, {
        ...rest,
        ...(backoff && retryDelayMax !== undefined ? { retryDelayMax } : {}),
        policy: policy ?? 'standard',
        partition: partition ?? false,
      });
      continue;
    }
    const wanted: QueuePolicy = policy ?? 'standard';
    if (existing.policy !== wanted) {
      throw new Error(`queue ${name} has policy ${existing.policy ?? 'standard'}, expected ${wanted}; delete and recreate it`);
    }
    await boss.updateQueue(name, { ...rest, retryDelayMax: backoff ? (retryDelayMax ?? null) : null });
  }
}

export type SendIngestResult = { id: string; idempotencyKey: string };

/**
 * Validate (zod; throws ZodError) and enqueue an ingest. The same source sent twice yields two jobs
 * that both complete with the same video id: the video row's idempotency key does the folding.
 */
export async function sendIngest(boss: PgBoss, job: unknown): Promise<SendIngestResult> {
  const data = IngestJob.parse(job);
  const idempotencyKey = ingestKeyOf(data);
  // singletonKey has no dedupe effect on a standard queue; it lets operators find jobs by key.
  const id = await boss.send(QUEUES.ingest, data, { singletonKey: idempotencyKey });
  if (!id) throw new Error('pg-boss did not enqueue the ingest job');
  return { id, idempotencyKey };
}
