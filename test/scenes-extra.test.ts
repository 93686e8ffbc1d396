// Scene detection (issue #11) on the EXTRA development set (test/helpers/media/scenes/dev-extra.ts:
// camera rolls and whip pans, dark and hazy shots, short shots, 0.025-0.03 bits per pixel and short
// GOPs) at 320x180, through the real worker pool. It pins what detector 2.3.0 fixed there, each
// change shown to matter by switching it off, and bounds what it has not fixed (README, Scene
// detection): one cut out of a whip pan over a hazy picture into a roll over another framing of it,
// and false cuts inside one shot whose starved encode freezes and jumps (a cellular automaton
// whipped across at 10% of the width per frame). Its transitions are scored by
// `npm run bench:scenes`, not here.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import type { PythonPool } from '../src/pool/index.ts';
import type { DetectParams } from '../src/scenes/schema.ts';
import { ensureExtraSet, scoreVideo, type ExtraName, type SceneSet } from './helpers/media/index.ts';
import { REPO_ROOT } from './helpers/common.ts';
import { PYTHON, startTestPool } from './helpers/pool.ts';
import { hasCutAt, sceneRunner } from './helpers/scene-runner.ts';

let pool: PythonPool;
let set: SceneSet<ExtraName>;

before(async () => {
  [set, pool] = await Promise.all([ensureExtraSet(), startTestPool({ name: 'scenes-extra', testOps: false })]);
});
after(async () => {
  await pool?.drain();
});

const runner = sceneRunner(() => pool, () => set);
const { cutsOf, classF1 } = runner;
const errors = (name: ExtraName) => runner.errorsOf(set.videos[name]);
const truthOf = (name: ExtraName) => set.videos[name].cuts.map((c) => c.frame);

describe('the extra development set', () => {
  test('hard cuts under rolls, whips, short shots and dark or hazy reframings: no false cut; at most the two known misses', async () => {
    // x_hard_b 337, since 2.6.0 and at 320x180 only: the starved encode's cut frame changes a third of
    // the picture (the rest follows on later frames), which the local-change rule takes for a graphic.
    const known: Record<string, number[]> = { x_hard_a: [], x_hard_b: [132, 337] };
    for (const name of ['x_hard_a', 'x_hard_b'] as const) {
      const e = await errors(name);
      assert.deepEqual(e.extra, [], `${name}: false cuts`);
      assert.ok(e.missed.every((f) => known[name]!.includes(f)), `${name}: missed ${e.missed}, known ${known[name]}`);
    }
  });
  test('flashes and strobes of 3-10 frames over rolls, whips and a dark pan: no false cut', async () => {
    const r = await classF1('flash');
    assert.equal(r.fp, 0, r.detail);
  });
  test('motion: every cut found; false cuts only inside the starved whip over a cellular automaton', async () => {
    const starved = { from: truthOf('x_motion_a')[4]!, to: truthOf('x_motion_a')[5]! }; // the life:57 shot
    for (const name of ['x_motion_a', 'x_motion_b'] as const) {
      const e = await errors(name);
      assert.deepEqual(e.missed, [], `${name}: missed`);
      const elsewhere = e.extra.filter((f) => name !== 'x_motion_a' || f <= starved.from || f >= starved.to);
      assert.deepEqual(elsewhere, [], `${name}: false cuts outside the starved shot`);
    }
  });
  test('a dark and a hazy hand-held still at 0.025 bits per pixel: only the real cut', async () => {
    const v = set.videos.x_static;
    assert.deepEqual(scoreVideo(await cutsOf(v), v), { tp: 1, fp: 0, fn: 0 });
  });
});

describe("detector 2.3.0's changes, each switched off", () => {
  const needs = (name: ExtraName, frame: number, off: Partial<DetectParams>) => runner.needs(set.videos[name], frame, off);
  test('one-sided concentration: without it cuts from a calm shot into a fast whip are missed', async () => {
    await needs('x_motion_a', 385, { thumb_concentration_one_side: 0 });
    // 215 changes the colours too: since 2.4.0 the colour jump (colour_cut_hist) finds it as well
    await needs('x_motion_b', 215, { thumb_concentration_one_side: 0, colour_cut_hist: 1.01 });
  });
  test('quiet cuts: without them cuts between two framings of one dark picture are missed', async () => {
    // since 2.8.0 the colour route of the quiet cuts (quiet_colour_ratio) finds 44 as well: both off
    await needs('x_hard_a', 44, { quiet_ratio: 0, quiet_colour_ratio: 0 });
    // (337 with the local-change rule off, which misses it at this size: see the known misses above)
    const v = set.videos.x_hard_b;
    assert.ok(hasCutAt(await cutsOf(v, { local_share: 0 }), 337) && !hasCutAt(await cutsOf(v, { local_share: 0, quiet_ratio: 0, quiet_colour_ratio: 0 }), 337));
  });
  test('a return by colours alone needs a brightening: without it (and without 2.7.0\'s cutaway rule, which finds this cut too) a cut out of a whip into another framing of the same picture is taken for the end of a flash', async () => {
    await needs('x_hard_a', 122, { flash_hist_lift: -255, cutaway_edges: -1 });
    assert.ok(hasCutAt(await cutsOf(set.videos.x_hard_a, { flash_hist_lift: -255 }), 122), 'the cutaway rule alone finds it');
  });
});

test('scene_eval.py --hard-features (the README figures\' tool) reports the calm-side share of the cuts into whips', async () => {
  const r = await execa(PYTHON, ['python/tools/scene_eval.py', set.dir, '--hard-features', '--json'], {
    cwd: REPO_ROOT, env: { PYTHONPATH: 'python' }, reject: false, all: true,
  });
  assert.equal(r.exitCode, 0, r.all);
  const out = JSON.parse(r.stdout) as { hard_features: Array<{ video: string; frame: number; real: boolean; thumb_concentration: number; calm_side: number | null }> };
  for (const [video, frame] of [['x_motion_a', 385], ['x_motion_b', 215]] as const) {
    const f = out.hard_features.find((x) => x.video === video && Math.abs(x.frame - frame) <= 1);
    assert.ok(f?.real, `${video} ${frame} listed as a real cut`);
    assert.ok(f.thumb_concentration < 0.8 && (f.calm_side ?? 0) >= 0.8, JSON.stringify(f));
  }
});
