// Recovery from a previous run that did not end cleanly: a stale postmaster.pid, an orphaned
// postmaster, old backends still attached to shared memory. Reads /proc (Linux).
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../log/index.ts';
import { commandLine, isLiveProcess, processState } from '../../util/proc.ts';
import { EmbeddedPostgresError } from './errors.ts';

type ProcInfo = { alive: boolean; comm?: string; ppid?: number; cmdline?: string[] };

export async function procInfo(pid: number): Promise<ProcInfo> {
  // A zombie (killed, not yet reaped — our PID 1 may never reap) is dead for our purposes.
  const st = processState(pid);
  if (!st || !isLiveProcess(pid)) return { alive: false };
  const cmdline = commandLine(pid);
  return cmdline ? { alive: true, comm: st.comm, ppid: st.ppid, cmdline } : { alive: false };
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
export async function clearStaleLock(dir: string, log: Logger): Promise<void> {
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
          'pg_dir_in_use',
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
          'pg_stale_shmem',
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
