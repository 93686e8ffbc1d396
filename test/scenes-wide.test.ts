// Scene detection (issue #11) on the WIDE development set (test/helpers/media/scenes/dev-wide.ts:
// 14 wallpapers neither other set uses, other seeds and gradient speeds) at 320x180, through the
// real worker pool: every class at the issue's acceptance, and four of detector 2.1.0's changes and
// 2.2.0's one shown to matter by switching them off (the ablation must fail where the default
// passes; the others, the re-exposure rule among them, are pinned by
// python/tests/test_scenes_parts.py or only show at 720p/1080p). The frozen held-out set is scored
// by `npm run bench:scenes`, never here.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PythonPool } from '../src/pool/index.ts';
import { ensureSceneSet, ensureWideSet, scoreVideo, type DevName, type SceneSet, type WideName } from './helpers/media/index.ts';
import { startTestPool } from './helpers/pool.ts';
import { sceneRunner } from './helpers/scene-runner.ts';

let pool: PythonPool;
let set: SceneSet<WideName>;
let devSet: SceneSet<DevName>; // for the straddle check only (see there)

before(async () => {
  [set, devSet, pool] = await Promise.all([ensureWideSet(), ensureSceneSet(), startTestPool({ name: 'scenes-wide', testOps: false })]);
});
after(async () => {
  await pool?.drain();
});

const { cutsOf, classF1 } = sceneRunner(() => pool, () => set);
const { cutsOf: devCutsOf } = sceneRunner(() => pool, () => devSet);

describe('the wide development set at the acceptance', () => {
  test('hard cuts (27, some between two framings of one picture, under shake): F1 >= 0.98 at ±1 frame', async () => {
    const r = await classF1('hard');
    assert.ok(r.f1 >= 0.98, `${r.f1.toFixed(3)} ${r.detail}`);
  });
  test('flashes and strobes of 1-10 frames over moving pictures: no false cut', async () => {
    const r = await classF1('flash');
    assert.ok(set.videos.w_flash.flashes.length >= 19);
    assert.equal(r.fp, 0, r.detail);
  });
  test('fast pans, shake, zooms, gradients morphing at 0.006-0.15: F1 >= 0.98, no cut inside the motion', async () => {
    const r = await classF1('motion');
    assert.ok(r.f1 >= 0.98, `${r.f1.toFixed(3)} ${r.detail}`);
  });
  test('16 transitions of 36-150 frames: F1 >= 0.90, one cut each within a quarter of it', async () => {
    const r = await classF1('gradual');
    assert.ok(r.f1 >= 0.9, `${r.f1.toFixed(3)} ${r.detail}`);
  });
  test('a hand-held still with sensor noise: only the real cut', async () => {
    const v = set.videos.w_static;
    assert.deepEqual(scoreVideo(await cutsOf(v), v), { tp: 1, fp: 0, fn: 0 });
  });
});

describe("detector 2.1.0's and 2.2.0's changes, each switched off", () => {
  /** The cuts within half a transition of its middle. */
  const near = (cuts: number[], t: { frame: number; length?: number }) => cuts.filter((f) => Math.abs(f - t.frame) < t.length! / 2);
  test('thumbnail concentration: without it a web keyframe inside a fade through black and one inside a wipe are hard cuts', async () => {
    const v = set.videos.w_gradual_a;
    const on = await cutsOf(v), off = await cutsOf(v, { thumb_concentration_lag: 1 });
    for (const transition of ['fadeblack', 'wiperight']) {
      const t = v.cuts.find((c) => c.transition === transition)!;
      assert.deepEqual(scoreVideo(near(on, t), { ...v, cuts: [t] }), { tp: 1, fp: 0, fn: 0 }, `${transition}, default: ${near(on, t)}`);
      assert.ok(scoreVideo(near(off, t), { ...v, cuts: [t] }).fp > 0, `${transition}, switched off: ${near(off, t)}`);
    }
  });
  test('straddling windows: without the rule a long window spanning the end of one transition moves the next one, or loses one', async () => {
    // Which file shows it depends on the render's exact bytes (README, Scene detection: renders
    // differ between kinds of CPU): on earlier machines w_gradual_b's next transition moved (a miss
    // and a false cut); on an AVX-512 machine with x264 held to AVX2, w_gradual_b is unchanged and
    // dev photo_gradual loses a transition. Either way the rule must change a result for the better.
    const off = { gradual_straddle: 2 };
    const b = set.videos.w_gradual_b;
    const bOn = scoreVideo(await cutsOf(b), b), bOff = scoreVideo(await cutsOf(b, off), b);
    const moved = bOff.fn > bOn.fn && bOff.fp > bOn.fp;
    const g = devSet.videos.photo_gradual;
    const gOn = scoreVideo(await devCutsOf(g), g), gOff = scoreVideo(await devCutsOf(g, off), g);
    const lost = gOff.fn > gOn.fn && gOff.fp >= gOn.fp;
    assert.ok(moved || lost, `w_gradual_b default ${JSON.stringify(bOn)}, off ${JSON.stringify(bOff)}; photo_gradual default ${JSON.stringify(gOn)}, off ${JSON.stringify(gOff)}`);
  });
  test("drift reach: measuring a shot's drift across the next transition misplaces a fade through white", async () => {
    const v = set.videos.w_gradual_b;
    const on = scoreVideo(await cutsOf(v), v), off = scoreVideo(await cutsOf(v, { drift_reach: 512 }), v);
    assert.ok(off.fn > on.fn, `default ${JSON.stringify(on)}, switched off ${JSON.stringify(off)}`);
  });
  test('bounded steadiness (2.2.0): without it a slice of a gradient morphing between a fade and a wipe is a dissolve', async () => {
    const v = set.videos.w_gradual_a;
    const on = scoreVideo(await cutsOf(v), v), off = scoreVideo(await cutsOf(v, { bounded_steady: 1e9 }), v);
    assert.equal(on.fp, 0, JSON.stringify(on));
    assert.ok(off.fp > 0 && off.tp === on.tp, `default ${JSON.stringify(on)}, switched off ${JSON.stringify(off)}`);
  });
  test('content concentration 0.5: at the old 0.65 a cut between two framings of one shaking picture is missed', async () => {
    const v = set.videos.w_hard_b;
    const on = scoreVideo(await cutsOf(v), v), off = scoreVideo(await cutsOf(v, { concentration: 0.65 }), v);
    assert.deepEqual(on, { tp: v.cuts.length, fp: 0, fn: 0 });
    assert.ok(off.fn > 0, JSON.stringify(off));
  });
});
