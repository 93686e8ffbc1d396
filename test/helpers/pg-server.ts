// A real PostgreSQL server (Debian's `postgresql` package) that a test can stop and start again on
// the same port and data, as an operator restarting the database would. As root the server runs as
// the `postgres` user (it refuses to run as root). Trust auth on 127.0.0.1 only.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './postgres.ts';

export interface PgServer {
  url: string;
  port: number;
  /** `pg_ctl stop -m fast` (active sessions are terminated), then start again after `downMs`. */
  restart(downMs: number): Promise<void>;
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  close(): Promise<void>;
}

function binDir(): string {
  for (const v of ['17', '16', '15']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error("Debian's postgresql server is not installed (apt-get install postgresql; scripts/setup.sh does it)");
}

export function haveDebianPostgres(): boolean {
  try {
    binDir();
    return true;
  } catch {
    return false;
  }
}

export async function startPgServer(): Promise<PgServer> {
  const bin = binDir();
  const root = await mkdtemp(path.join(os.tmpdir(), 'heaters-pgsrv-'));
  const data = path.join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? await postgresIds() : undefined;
  if (ids) await chown(root, ids.uid, ids.gid);
  // As root: run the tools as postgres (setpriv: no shell, arguments as an array).
  const run = (tool: string, args: string[]) =>
    ids
      ? execa('setpriv', ['--reuid', String(ids.uid), '--regid', String(ids.gid), '--clear-groups', '--', path.join(bin, tool), ...args], { cwd: root })
      : execa(path.join(bin, tool), args, { cwd: root });
  await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${root} -c fsync=off -c max_connections=200`;
  const startServer = async () => {
    await run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(root, 'server.log'), '-w', 'start']);
  };
  const stopServer = async () => {
    await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  await startServer();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    startServer,
    stopServer,
    async restart(downMs) {
      await stopServer();
      await new Promise((r) => setTimeout(r, downMs));
      await startServer();
    },
    async close() {
      await stopServer().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = await execa('id', ['-u', 'postgres'], { reject: false });
  const gid = await execa('id', ['-g', 'postgres'], { reject: false });
  if (uid.exitCode !== 0 || gid.exitCode !== 0) throw new Error('no postgres user (installing postgresql creates it)');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
