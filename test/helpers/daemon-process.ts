// A daemon as its own OS process (`heaters daemon`), so that a test or the chaos script can kill it
// with any signal, kill -9 included, and start it again. Optionally in its own mount namespace with
// a tmpfs on its work dir: two daemons then see two different disks at the same path, as two
// machines would (root only; the tmpfs dies with the daemon, as a lost machine's disk would).
import { execa, type ResultPromise } from 'execa';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { REPO_ROOT } from './common.ts';
import { descendants, isAlive } from './procs.ts';

const NODE = path.join(REPO_ROOT, 'node_modules', '.bin', 'node');
const MAIN = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');
// A constant script; the size, directory and command arrive as arguments, never inside the string.
const MOUNT_TMPFS = 'mount -t tmpfs -o "size=$1" tmpfs "$2" && shift 2 && exec "$@"';

export type LogLine = { level?: number; msg?: string; [k: string]: unknown };

export interface DaemonProcess {
  name: string;
  hostId: string;
  pid: number;
  logs: LogLine[];
  /** Resolves with the first log line (past or future) matching `pred`. */
  waitForLog(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Live descendants right now (Python workers, ffmpeg, ffprobe). */
  children(): Array<{ pid: number; comm: string }>;
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: string | null }>;
  running(): boolean;
}

export interface SpawnDaemonOptions {
  name: string;
  hostId: string;
  workDir: string;
  env: Record<string, string>;
  /** Mount a tmpfs of this size (e.g. '512m') on workDir in a mount namespace of its own. */
  tmpfs?: string;
}

export async function spawnDaemon(o: SpawnDaemonOptions): Promise<DaemonProcess> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    HEATERS_HOST_ID: o.hostId,
    HEATERS_WORK_DIR: o.workDir,
    HEATERS_HTTP_PORT: '0',
    HEATERS_ALLOW_PRIVATE_URLS: 'true',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    ...o.env,
  };
  const [file, args] = o.tmpfs
    ? ['unshare', ['-m', '--propagation', 'private', '--', '/bin/sh', '-c', MOUNT_TMPFS, 'sh', o.tmpfs, o.workDir, NODE, MAIN, 'daemon']]
    : [NODE, [MAIN, 'daemon']];
  const child: ResultPromise = execa(file, args as string[], { env, extendEnv: false, reject: false, stdin: 'ignore', stdout: 'ignore', cwd: REPO_ROOT });
  const logs: LogLine[] = [];
  const waiters: Array<{ pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    let parsed: LogLine;
    try {
      parsed = JSON.parse(line) as LogLine;
    } catch {
      parsed = { msg: line };
    }
    logs.push(parsed);
    for (const w of [...waiters]) {
      if (w.pred(parsed)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(parsed);
      }
    }
  });
  const exited = child.then((r) => ({ code: r.exitCode ?? null, signal: r.signal ?? null }));
  const pid = child.pid!;
  const d: DaemonProcess = {
    name: o.name,
    hostId: o.hostId,
    pid,
    logs,
    waitForLog(pred, timeoutMs = 60_000) {
      const past = logs.find(pred);
      if (past) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${o.name}: no matching log line within ${timeoutMs} ms; last: ${JSON.stringify(logs.slice(-5))}`)), timeoutMs);
        waiters.push({ pred, resolve: (l) => (clearTimeout(t), resolve(l)) });
      });
    },
    children: () => descendants(pid),
    kill: (signal) => void child.kill(signal),
    exited,
    running: () => isAlive(pid),
  };
  const ready = d.waitForLog((l) => l.msg === 'daemon ready', 60_000);
  const died = exited.then((r) => {
    throw new Error(`${o.name} exited before it was ready (${JSON.stringify(r)}): ${JSON.stringify(logs.slice(-8))}`);
  });
  await Promise.race([ready, died]);
  void died.catch(() => undefined);
  return d;
}

/** SIGTERM, and wait for the exit (SIGKILL after `graceMs`). */
export async function stopDaemon(d: DaemonProcess, graceMs = 30_000): Promise<void> {
  if (!d.running()) return;
  d.kill('SIGTERM');
  const t = setTimeout(() => d.kill('SIGKILL'), graceMs);
  await d.exited;
  clearTimeout(t);
}
