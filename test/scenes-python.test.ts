// Runs the Python unit tests of the scene detector's parts (python/tests/test_scenes_*.py:
// parameters, hard cuts, flashes over motion, gradual transitions, confidence) on synthetic frames,
// and the decode path's frame source on a real ffmpeg, with the worker's interpreter, so
// `scripts/test.sh` covers them.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { REPO_ROOT } from './helpers/common.ts';
import { PYTHON } from './helpers/pool.ts';

test('pytest python/tests/test_scenes_*.py: the detector parts on synthetic frames', async () => {
  const files = readdirSync(path.join(REPO_ROOT, 'python', 'tests')).filter((f) => /^test_scenes_.*\.py$/.test(f));
  assert.ok(files.length >= 1);
  const r = await execa(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...files.map((f) => `python/tests/${f}`)], {
    cwd: REPO_ROOT,
    reject: false,
    all: true,
  });
  assert.equal(r.exitCode, 0, r.all);
  assert.match(r.all ?? '', /\d+ passed/);
  assert.doesNotMatch(r.all ?? '', /failed|error/);
});
