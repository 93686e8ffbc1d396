// How cuts are scored against a scene set's ground truth, in one place for `npm run bench:scenes` and
// the tests: one-to-one matching within a per-truth tolerance (greedy by distance); hard cuts,
// flashes, motion and static at ±1 frame, a gradual transition within a quarter of its length
// (issue #11's acceptance). python/tools/scene_eval.py matches the same way.
import type { SceneVideo } from './render.ts';

export interface Counts { tp: number; fp: number; fn: number }
export interface Score extends Counts { precision: number; recall: number; f1: number }

/** One-to-one matches of `got` to `truth` within tol(truth index), greedy by distance. */
export function matchCuts(got: number[], truth: number[], tol: (ti: number) => number): Counts {
  const pairs: [number, number, number][] = [];
  got.forEach((g, gi) => truth.forEach((t, ti) => { const d = Math.abs(g - t); if (d <= tol(ti)) pairs.push([d, gi, ti]); }));
  pairs.sort((a, b) => a[0] - b[0]);
  const usedG = new Set<number>(), usedT = new Set<number>();
  for (const [, gi, ti] of pairs) if (!usedG.has(gi) && !usedT.has(ti)) { usedG.add(gi); usedT.add(ti); }
  return { tp: usedT.size, fp: got.length - usedG.size, fn: truth.length - usedT.size };
}

/** The acceptance tolerance of a video's i-th cut: a quarter of a gradual transition, else 1 frame. */
export function acceptanceTolerance(v: Pick<SceneVideo, 'cls' | 'cuts'>): (ti: number) => number {
  return v.cls === 'gradual' ? (ti) => Math.max(1, Math.floor((v.cuts[ti]!.length ?? 0) / 4)) : () => 1;
}

/** A video's detected cut frames against its truth at the acceptance tolerance. */
export function scoreVideo(got: number[], v: Pick<SceneVideo, 'cls' | 'cuts'>): Counts {
  return matchCuts(got, v.cuts.map((c) => c.frame), acceptanceTolerance(v));
}

export function scoreOf(c: Counts): Score {
  const precision = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1;
  const recall = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 1;
  const f = c.tp + c.fp + c.fn ? (2 * c.tp) / (2 * c.tp + c.fp + c.fn) : 1;
  return { ...c, precision, recall, f1: f };
}
