// Creating a new cluster (initdb) so that a crash or a concurrent daemon never leaves a half-made one.
import { existsSync } from 'node:fs';
import { readdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../log/index.ts';
import { EmbeddedPostgresError, messageOf, summarize } from './errors.ts';
import type { EmbeddedPostgresClass } from './library.ts';
import { procInfo } from './recovery.ts';

export type CommonOptions = {
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256';
  persistent: boolean;
  createPostgresUser: boolean;
  onLog: (message: string) => void;
  onError: (err: unknown) => void;
};

// initdb into a sibling directory and rename it into place, so a crash during initdb never leaves a
// half-initialised `dir` that would later be mistaken for a cluster (or block a retry).
export async function initCluster(
  Lib: EmbeddedPostgresClass,
  dir: string,
  common: CommonOptions,
  ephemeral: boolean,
  tail: string[],
  log: Logger,
): Promise<void> {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0) {
      throw new EmbeddedPostgresError(
        'pg_dir_invalid',
        `${dir} exists and is not empty but holds no Postgres cluster (no PG_VERSION); move it away or choose another data dir`,
      );
    }
    await rmdir(dir);
  }
  // Per-process temp name: two daemons initialising at once do not share it; leftovers of dead
  // processes are removed.
  const base = path.basename(dir);
  for (const entry of await readdir(path.dirname(dir))) {
    const m = entry.startsWith(`${base}.initdb-`) ? /\.initdb-(\d+)$/.exec(entry) : null;
    if (m && !(await procInfo(Number(m[1]))).alive) await rm(path.join(path.dirname(dir), entry), { recursive: true, force: true });
  }
  const tmp = `${dir}.initdb-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  const init = new Lib({
    ...common,
    databaseDir: tmp,
    initdbFlags: ['--encoding=UTF8', ...(ephemeral ? ['--no-sync'] : [])],
  });
  tail.length = 0;
  const t0 = performance.now();
  try {
    await init.initialise();
  } catch (cause) {
    await rm(tmp, { recursive: true, force: true });
    throw new EmbeddedPostgresError('pg_init_failed', `initdb failed for ${dir}: ${summarize(tail) || messageOf(cause)}`, { cause });
  }
  try {
    await rename(tmp, dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    await rm(tmp, { recursive: true, force: true });
    // Another process initialised the cluster meanwhile: use theirs.
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(path.join(dir, 'PG_VERSION'))) return;
    throw err;
  }
  log.info({ dir, initdbMs: Math.round(performance.now() - t0) }, 'initialised a new postgres cluster');
}
