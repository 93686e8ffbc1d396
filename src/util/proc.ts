// The one place that reads Linux's /proc for a process: resident memory (for the pool's RSS ceiling),
// CPU time (for the pool benchmark's accounting), and state, parent and command line (for the
// embedded Postgres' stale-pid recovery and the tests' orphan checks). Units are converted here and
// named in the result, so no caller divides by a tick rate or multiplies by a page size on its own.
import { readFileSync } from 'node:fs';

/** Linux reports utime/stime/cutime/cstime in clock ticks of USER_HZ, which is 100 on every Linux ABI. */
export const CLOCK_TICKS_PER_SECOND = 100;
/** /proc/<pid>/status gives VmRSS in "kB", which the kernel means as KiB. */
const BYTES_PER_KIB = 1024;

export interface CpuSeconds {
  /** User and system time of the process itself. */
  user: number;
  system: number;
  /** User and system time of its children that it has waited for (reaped); 0 until then. */
  childrenUser: number;
  childrenSystem: number;
}

function read(pid: number | 'self', file: 'stat' | 'status' | 'cmdline'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined; // exited, or not Linux
  }
}

/** Resident set size in bytes, or undefined when the process is gone. */
export function rssBytes(pid: number | 'self'): number | undefined {
  const status = read(pid, 'status');
  const m = status && /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m?.[1] ? Number(m[1]) * BYTES_PER_KIB : undefined;
}

/** CPU time in seconds from /proc/<pid>/stat, or undefined when the process is gone. */
export function cpuSeconds(pid: number | 'self'): CpuSeconds | undefined {
  const stat = read(pid, 'stat');
  if (!stat) return undefined;
  // The command name (field 2) is parenthesised and may hold spaces: count from after its ')'.
  // Then field 3 (state) is index 0, so utime (14), stime (15), cutime (16), cstime (17) are 11..14.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const sec = (i: number) => Number(f[i]) / CLOCK_TICKS_PER_SECOND;
  return { user: sec(11), system: sec(12), childrenUser: sec(13), childrenSystem: sec(14) };
}

/** user + system of the process and of its reaped children, in seconds (undefined when gone). */
export function totalCpuSeconds(pid: number | 'self'): number | undefined {
  const c = cpuSeconds(pid);
  return c && c.user + c.system + c.childrenUser + c.childrenSystem;
}

export interface ProcessState {
  /** The command name (at most 15 characters, as the kernel keeps it). */
  comm: string;
  /** R, S, D, Z (zombie), X (dead), … */
  state: string;
  ppid: number;
}

/** State, parent and command name from /proc/<pid>/stat, or undefined when the process is gone. */
export function processState(pid: number): ProcessState | undefined {
  const stat = read(pid, 'stat');
  if (!stat) return undefined;
  const close = stat.lastIndexOf(')');
  const [state, ppid] = stat.slice(close + 2).split(' ');
  return { comm: stat.slice(stat.indexOf('(') + 1, close), state: state ?? '?', ppid: Number(ppid) };
}

/** A process that runs (or sleeps): not gone, not a zombie waiting to be reaped. */
export function isLiveProcess(pid: number): boolean {
  const s = processState(pid);
  return !!s && s.state !== 'Z' && s.state !== 'X';
}

/** The argument vector of a process, or undefined when it is gone. */
export function commandLine(pid: number): string[] | undefined {
  return read(pid, 'cmdline')?.split('\0').filter(Boolean);
}
