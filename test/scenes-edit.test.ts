// Scene detection (issue #11) on the EDIT development set (test/helpers/media/scenes/dev-edit.ts: jump
// cuts, cutaways, fast montages, match cuts, near-black and near-white pictures, hand-held shake around
// cuts, lower thirds and pictures in picture) at 320x180, through the real worker pool. It pins what
// detector 2.7.0 does there, its local-change rule (2.6.0) and its cutaway rule (2.7.0) shown to
// matter by switching each off: without the cutaway rule the two shortest cutaways (9 and 10 frames,
// brighter than the take they leave and return to) are taken for flashes, both of their cuts missed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PythonPool } from '../src/pool/index.ts';
import { ensureEditSet, scoreVideo, type EditName, type SceneSet } from './helpers/media/index.ts';
import { startTestPool } from './helpers/pool.ts';
import { sceneRunner } from './helpers/scene-runner.ts';

let pool: PythonPool;
let set: SceneSet<EditName>;

before(async () => {
  [set, pool] = await Promise.all([ensureEditSet(), startTestPool({ name: 'scenes-edit', testOps: false })]);
});
after(async () => {
  await pool?.drain();
});

const runner = sceneRunner(() => pool, () => set);
const { cutsOf } = runner;
const exact = async (name: EditName) => {
  const v = set.videos[name];
  assert.deepEqual(scoreVideo(await cutsOf(v), v), { tp: v.cuts.length, fp: 0, fn: 0 }, name);
};

describe('the edit development set', () => {
  test('jump cuts within one take and match cuts between pictures of one colour or between near-black and near-white ones: every cut, no false one', async () => {
    await exact('e_hard_jump');
    await exact('e_hard_match');
  });
  test('cutaways of 9-20 frames, still, drifting, zooming or panning: both cuts of each, no false one', async () => {
    await exact('e_hard_cutaway');
  });
  test('a montage of 8-15 frame shots and shake of every strength around cuts: every cut, no false one', async () => {
    await exact('e_motion_montage');
    await exact('e_motion_shake');
  });
  test('lower thirds and pictures in picture sliding and popping on and off, across cuts too: only the real cuts', async () => {
    await exact('e_motion_graphics');
    await exact('e_static');
  });
});

describe("detector 2.6.0's local-change rule, switched off", () => {
  test('without it, a picture-in-picture window popping off is a cut', async () => {
    const v = set.videos.e_motion_graphics;
    assert.ok(scoreVideo(await cutsOf(v, { local_share: 0 }), v).fp >= 1);
  });
});

describe("detector 2.7.0's cutaway rule, switched off", () => {
  test('without it, the 9- and 10-frame inserts are taken for flashes: both cuts of each missed', async () => {
    const v = set.videos.e_hard_cutaway;
    for (const frame of [122, 131, 400, 410]) await runner.needs(v, frame, { cutaway_edges: -1 });
  });
});
