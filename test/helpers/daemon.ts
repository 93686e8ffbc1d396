// A real daemon for end-to-end tests: real Postgres, real pg-boss, real Python pools, real ffmpeg,
// and the object store the test chooses (s3rver on loopback or a temp directory).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.ts';
import { startDaemon } from '../../src/daemon.ts';
import type { Daemon } from '../../src/daemon.ts';
import { listStageRuns } from '../../src/db/index.ts';
import type { Video } from '../../src/db/index.ts';
import { watchVideo } from '../../src/cli/watch.ts';
import { createLogger } from '../../src/log/index.ts';
import { submitIngest } from '../../src/pipeline/index.ts';
import type { IngestResult } from '../../src/pipeline/index.ts';
import type { IngestOptions } from '../../src/queue/index.ts';

export interface TestDaemon extends Daemon {
  dataDir: string;
  ingest(url: string, options?: IngestOptions): Promise<IngestResult>;
  waitSettled(videoId: string): Promise<Video>;
  storeOps(videoId: string): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const quiet = Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { isTTY: false });

export async function startTestDaemon(
  env: Record<string, string>,
  opts: { logTo?: NodeJS.WritableStream } = {},
): Promise<TestDaemon> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'heaters-e2e-'));
  const cfg = loadConfig({
    HEATERS_DATA_DIR: dataDir,
    HEATERS_IO_WORKERS_MIN: '1',
    HEATERS_CPU_WORKERS_MIN: '1',
    HEATERS_ALLOW_PRIVATE_URLS: 'true', // the test media servers listen on loopback
    HEATERS_HTTP_PORT: '0', // no listener unless a test asks for one (tests run side by side)
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const logger = createLogger({ level: cfg.log.level, destination: opts.logTo });
  const d = await startDaemon(cfg, logger);
  return {
    ...d,
    dataDir,
    ingest: (url, options = {}) => submitIngest(d.deps, { url, options }),
    waitSettled: (videoId) => watchVideo(d.deps.db, videoId, { out: quiet as unknown as NodeJS.WriteStream, intervalMs: 50 }),
    async storeOps(videoId) {
      const total: Record<string, number> = {};
      for (const r of await listStageRuns(d.deps.db, videoId)) {
        for (const [k, v] of Object.entries(r.storeOps ?? {})) total[k] = (total[k] ?? 0) + Number(v ?? 0);
      }
      return total;
    },
    async close() {
      await d.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
