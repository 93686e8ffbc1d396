// Live progress bars on a terminal: one bar per stage of the chain (download, preprocess, detect,
// finalize), drawn by cli-progress on stderr from the video row the daemon updates. A stage's bar
// fills to 100 % when the video moves past it; a stage without a percent shows its state only.
import cliProgress from 'cli-progress';
import type { Video } from '../db/index.ts';
import { routeTerminalLogs } from '../log/index.ts';
import { bytes } from './format.ts';

const STAGES = [
  { state: 'downloading', name: 'download' },
  { state: 'preprocessing', name: 'preprocess' },
  { state: 'detecting', name: 'detect' },
  { state: 'finalizing', name: 'finalize' },
] as const;

export interface ProgressView {
  update(v: Video): void;
  stop(): void;
}

export function progressBars(out: NodeJS.WriteStream): ProgressView {
  const multi = new cliProgress.MultiBar(
    {
      stream: out,
      format: '{stage} {bar} {percentage}%  {info}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
      // Redrawn at most 10 times a second; the row itself changes at most twice a second.
      noTTYOutput: false,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  // Log lines (a warning mid-run) are drawn above the bars, not through them.
  routeTerminalLogs((line) => multi.log(line.endsWith('\n') ? line : `${line}\n`));
  const bars = new Map<string, cliProgress.SingleBar>();
  const bar = (name: string) => {
    let b = bars.get(name);
    if (!b) {
      b = multi.create(100, 0, { stage: name.padEnd(10), info: '' });
      bars.set(name, b);
    }
    return b;
  };
  return {
    update(v: Video) {
      const at = STAGES.findIndex((s) => s.state === v.state);
      const done = v.state === 'ready' ? STAGES.length : at;
      // Every stage before the current one is complete (a remux has no percent of its own).
      for (let i = 0; i < done; i++) bar(STAGES[i]!.name).update(100, { info: 'done' });
      if (at < 0) return;
      // The row keeps the previous stage's progress until this stage reports its own.
      const own = v.progress?.stage === STAGES[at]!.name;
      const p: Record<string, unknown> = own ? (v.progress ?? {}) : {};
      const b = bar(STAGES[at]!.name);
      const pct = typeof p.percent === 'number' ? p.percent : undefined;
      b.update(pct === undefined ? b.getProgress() * 100 : Math.min(100, pct), { info: infoOf(p) });
    },
    stop() {
      routeTerminalLogs(undefined);
      multi.update(); // flushes log lines still buffered (stop() alone drops them)
      multi.stop();
    },
  };
}

function infoOf(p: Record<string, unknown>): string {
  const extra: string[] = [];
  if (typeof p.downloaded_bytes === 'number') extra.push(bytes(p.downloaded_bytes));
  if (typeof p.speed_bps === 'number') extra.push(`${bytes(p.speed_bps)}/s`);
  if (typeof p.speed === 'number') extra.push(`${p.speed.toFixed(2)}x`);
  return extra.join(' ');
}
