// The process tree, read through src/util/proc.ts: a daemon's descendants (Python workers, ffmpeg,
// ffprobe), and whether a pid is still a live process (a zombie waiting to be reaped does not count).
import { readdirSync } from 'node:fs';
import { isLiveProcess, processState } from '../../src/util/proc.ts';

/** Every live descendant of `root`, with its command name. */
export function descendants(root: number): Array<{ pid: number; comm: string }> {
  const children = new Map<number, Array<{ pid: number; comm: string; state: string }>>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = processState(Number(d));
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), { pid: Number(d), comm: s.comm, state: s.state }]);
  }
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

export const isAlive = isLiveProcess;
