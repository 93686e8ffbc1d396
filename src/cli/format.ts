// Plain-text tables and lines for the CLI (stdout); logs go to stderr.
import { redactText } from '../log/index.ts';

export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => r.map((c, i) => (/^-?[\d.,]+( ?[a-zA-Z%]+)?$/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export const seconds = (s: number | null | undefined) => (s === null || s === undefined ? '-' : s.toFixed(3));

/** A byte count for people. Binary units, named as such: divides by 1024 and prints KiB, MiB, GiB
 * (the house convention wherever a size is printed; doctor's free space too). */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** One-line progress of a video: state, stage percent, bytes/speed when downloading. */
export function progressLine(v: { state: string; progress: Record<string, unknown> | null }): string {
  // Progress means work under way; a failed video keeps its last row (where it stopped) for status --json.
  const p = v.state === 'failed' || v.state === 'cancelled' ? {} : (v.progress ?? {});
  const pct = typeof p.percent === 'number' ? `${p.percent.toFixed(1)}%` : '';
  const extra: string[] = [];
  if (typeof p.downloaded_bytes === 'number') extra.push(bytes(p.downloaded_bytes));
  if (typeof p.speed_bps === 'number') extra.push(`${bytes(p.speed_bps)}/s`);
  if (typeof p.speed === 'number') extra.push(`${p.speed.toFixed(2)}x`);
  return [v.state.padEnd(13), pct.padStart(6), extra.join(' ')].join(' ').trimEnd();
}

export const safe = (s: string) => redactText(s);
