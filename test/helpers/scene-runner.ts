// Detecting a scene set's videos through the real worker pool, for the scene-set tests
// (scenes-wide, scenes-extra, scenes-format): each (video, parameters) is detected once, a class is
// scored at the acceptance (helpers/media/scenes/score.ts), a video's errors are listed, and a rule
// is shown to matter (a cut found with the defaults, missed with the rule switched off).
import assert from 'node:assert/strict';
import type { PythonPool } from '../../src/pool/index.ts';
import { DetectScenesArgs, DetectScenesResult, type DetectParams } from '../../src/scenes/schema.ts';
import { scoreOf, scoreVideo, type SceneSet, type SceneVideo } from './media/index.ts';

/** A cut within one frame of `frame` (the acceptance's tolerance for a hard cut). */
export const hasCutAt = (cuts: number[], frame: number): boolean => cuts.some((f) => Math.abs(f - frame) <= 1);

export interface SceneRunner {
  /** The cut frames of one video with these parameter overrides. */
  cutsOf(v: SceneVideo, params?: Partial<DetectParams>): Promise<number[]>;
  /** F1 and false cuts of one class of the set with the defaults, and every video's cuts for a message. */
  classF1(cls: SceneVideo['cls']): Promise<{ f1: number; fp: number; detail: string }>;
  /** Truth cuts of a video missed at ±1 frame, and detected frames that match no truth cut. */
  errorsOf(v: SceneVideo): Promise<{ missed: number[]; extra: number[] }>;
  /** Asserts that the truth cut at `frame` is found with the defaults and missed with `off`. */
  needs(v: SceneVideo, frame: number, off: Partial<DetectParams>): Promise<void>;
}

export function sceneRunner(pool: () => PythonPool, set: () => SceneSet): SceneRunner {
  const detected = new Map<string, Promise<number[]>>();
  const cutsOf = (v: SceneVideo, params: Partial<DetectParams> = {}): Promise<number[]> => {
    const key = `${v.name} ${JSON.stringify(params)}`;
    let p = detected.get(key);
    if (!p) {
      const args = DetectScenesArgs.parse({ path: v.path, fps: v.fps, frame_count: v.frames, keyframe_times: v.keyframeTimes, params });
      p = pool().run('detect_scenes', args, { timeoutMs: 120_000 }).then((raw) => DetectScenesResult.parse(raw).cuts.map((c) => c.frame));
      detected.set(key, p);
    }
    return p;
  };
  const classF1 = async (cls: SceneVideo['cls']) => {
    let tp = 0, fp = 0, fn = 0;
    const detail: string[] = [];
    for (const v of Object.values(set().videos).filter((x) => x.cls === cls)) {
      const got = await cutsOf(v);
      const s = scoreVideo(got, v);
      tp += s.tp; fp += s.fp; fn += s.fn;
      detail.push(`${v.name}: got ${got.join(',')} want ${v.cuts.map((c) => c.frame).join(',')}`);
    }
    return { f1: scoreOf({ tp, fp, fn }).f1, fp, detail: detail.join('; ') };
  };
  const errorsOf = async (v: SceneVideo) => {
    const got = await cutsOf(v), truth = v.cuts.map((c) => c.frame);
    return {
      missed: truth.filter((t) => !got.some((g) => Math.abs(g - t) <= 1)),
      extra: got.filter((g) => !truth.some((t) => Math.abs(g - t) <= 1)),
    };
  };
  const needs = async (v: SceneVideo, frame: number, off: Partial<DetectParams>) => {
    assert.ok(v.cuts.some((c) => c.frame === frame), `${v.name} has a cut at ${frame}`);
    const on = await cutsOf(v), without = await cutsOf(v, off);
    assert.ok(hasCutAt(on, frame), `${v.name} ${frame}, default: ${on}`);
    assert.ok(!hasCutAt(without, frame), `${v.name} ${frame}, switched off: ${without}`);
  };
  return { cutsOf, classF1, errorsOf, needs };
}
