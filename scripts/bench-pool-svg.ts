// The picture of `npm run bench:pool`: latency distributions, pooled vs spawn, as hand-written SVG
// (no plotting dependency). One panel per workload (rows) and concurrency (columns); in each, the
// cumulative distribution of task latency on a log scale, one line per series.

export type Mode = 'pooled' | 'no-recycle' | 'spawn';

export interface SvgCell {
  workload: string;
  mode: Mode;
  /** Workers in the pool; null for spawn. */
  pool: number | null;
  concurrency: number;
  /** Latency quantiles 0, 1, …, 100 % in ms. */
  quantiles: number[];
}

const PANEL_W = 270;
const PANEL_H = 170;
const MARGIN = { left: 70, top: 78, gapX: 26, gapY: 54 };
const PLOT = { left: 38, right: 8, top: 20, bottom: 28 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Style {
  label: string;
  color: string;
  dash?: string;
  width: number;
}

function styleOf(c: SvgCell, pools: number[]): Style {
  const first = c.pool === pools[0];
  if (c.mode === 'spawn') return { label: 'spawn per task', color: '#d62728', width: 2.2 };
  if (c.mode === 'pooled') return { label: `pooled, ${c.pool} workers`, color: '#1f5fb4', dash: first ? undefined : '6 3', width: 2 };
  return { label: `no-recycle, ${c.pool} workers`, color: '#2ca02c', dash: first ? '1.5 2.5' : '8 3 1.5 3', width: 1.4 };
}

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

const tick = (v: number) => (v >= 1 ? String(v) : v.toPrecision(1));

export function renderSvg(cells: SvgCell[], opts: { concurrency: number[]; workloads: string[]; title: string }): string {
  const pools = [...new Set(cells.flatMap((c) => (c.pool === null ? [] : [c.pool])))].sort((a, b) => a - b);
  const cols = opts.concurrency.length;
  const rows = opts.workloads.length;
  const width = Math.max(900, MARGIN.left + cols * PANEL_W + (cols - 1) * MARGIN.gapX + 20);
  const height = MARGIN.top + rows * PANEL_H + (rows - 1) * MARGIN.gapY + 30;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">Python worker: task latency, pooled vs spawn per task (cumulative share of tasks, log scale)</text>`,
    `<text x="${MARGIN.left}" y="36" fill="#555">${esc(opts.title)}</text>`,
  ];

  // Legend: every series style that occurs.
  const seen = new Map<string, Style>();
  for (const c of cells) {
    const s = styleOf(c, pools);
    if (!seen.has(s.label)) seen.set(s.label, s);
  }
  let lx = MARGIN.left;
  for (const s of seen.values()) {
    out.push(
      `<line x1="${lx}" y1="54" x2="${lx + 26}" y2="54" stroke="${s.color}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      `<text x="${lx + 31}" y="58">${esc(s.label)}</text>`,
    );
    lx += 40 + s.label.length * 6.2;
  }

  opts.workloads.forEach((workload, r) => {
    const rowCells = cells.filter((c) => c.workload === workload);
    const values = rowCells.flatMap((c) => c.quantiles).filter((v) => v > 0 && Number.isFinite(v));
    if (values.length === 0) return;
    // One x range per workload, so its panels compare across concurrency.
    const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
    const y0 = MARGIN.top + r * (PANEL_H + MARGIN.gapY);
    out.push(
      `<text x="14" y="${y0 + PANEL_H / 2}" font-size="13" font-weight="bold" transform="rotate(-90 14 ${y0 + PANEL_H / 2})" text-anchor="middle">${esc(workload)}</text>`,
    );
    opts.concurrency.forEach((c, k) => {
      const x0 = MARGIN.left + k * (PANEL_W + MARGIN.gapX);
      const pl = x0 + PLOT.left;
      const pr = x0 + PANEL_W - PLOT.right;
      const pt = y0 + PLOT.top;
      const pb = y0 + PANEL_H - PLOT.bottom;
      const sx = (v: number) => pl + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (pr - pl);
      const sy = (q: number) => pb - q * (pb - pt);
      out.push(
        `<text x="${x0 + PLOT.left}" y="${y0 + 12}" font-weight="bold">${esc(workload)}, concurrency ${c}</text>`,
        `<rect x="${pl}" y="${pt}" width="${pr - pl}" height="${pb - pt}" fill="#fafafa" stroke="#999"/>`,
      );
      for (const d of decades(lo, hi)) {
        if (d < lo || d > hi) continue;
        const x = sx(d).toFixed(1);
        out.push(
          `<line x1="${x}" y1="${pt}" x2="${x}" y2="${pb}" stroke="#ddd"/>`,
          `<text x="${x}" y="${pb + 13}" text-anchor="middle" fill="#444">${tick(d)}</text>`,
        );
      }
      for (const q of [0, 0.5, 1]) {
        const y = sy(q).toFixed(1);
        out.push(
          `<line x1="${pl}" y1="${y}" x2="${pr}" y2="${y}" stroke="#ddd"/>`,
          `<text x="${pl - 4}" y="${Number(y) + 4}" text-anchor="end" fill="#444">${q * 100}%</text>`,
        );
      }
      out.push(`<text x="${(pl + pr) / 2}" y="${pb + 25}" text-anchor="middle" fill="#444">ms per task</text>`);
      for (const cell of rowCells.filter((x) => x.concurrency === c)) {
        const s = styleOf(cell, pools);
        const pts = cell.quantiles
          .map((v, i) => (v > 0 && Number.isFinite(v) ? `${sx(v).toFixed(1)},${sy(i / 100).toFixed(1)}` : undefined))
          .filter((p): p is string => p !== undefined);
        out.push(
          `<polyline fill="none" stroke="${s.color}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} points="${pts.join(' ')}"><title>${esc(s.label)}, concurrency ${c}</title></polyline>`,
        );
      }
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
