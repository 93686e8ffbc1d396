// The process tree, read from /proc: a daemon's descendants (Python workers, ffmpeg, ffprobe), and
// whether a pid is still a live process (a zombie waiting to be reaped does not count).
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  pid: number;
  ppid: number;
  state: string;
  comm: string;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces; the fields after the last ')' are fixed.
    const close = raw.lastIndexOf(')');
    const comm = raw.slice(raw.indexOf('(') + 1, close);
    const [state, ppid] = raw.slice(close + 2).split(' ');
    return { pid, ppid: Number(ppid), state: state ?? '?', comm };
  } catch {
    return undefined;
  }
}

function allStats(): ProcStat[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => readStat(Number(d)) ?? []);
}

/** Every live descendant of `root`, with its command name. */
export function descendants(root: number): Array<{ pid: number; comm: string }> {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const out: Array<{ pid: number; comm: string }> = [];
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      if (c.state !== 'Z') out.push({ pid: c.pid, comm: c.comm });
      walk(c.pid);
    }
  };
  walk(root);
  return out;
}

/** A running (or sleeping) process, not gone and not a zombie. */
export function isAlive(pid: number): boolean {
  const s = readStat(pid);
  return !!s && s.state !== 'Z' && s.state !== 'X';
}
