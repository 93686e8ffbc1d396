// Runs the Python unit tests of the yt-dlp failure mapping, access settings and identity
// (python/tests/test_fetch_*.py) with the worker's interpreter, so `scripts/test.sh` covers them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execa } from 'execa';
import { REPO_ROOT } from './helpers/common.ts';
import { PYTHON } from './helpers/pool.ts';

test('pytest python/tests/test_fetch_errors.py: yt-dlp texts map to typed codes, secrets are scrubbed', async () => {
  const r = await execa(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'python/tests/test_fetch_errors.py'], {
    cwd: REPO_ROOT,
    reject: false,
    all: true,
  });
  assert.equal(r.exitCode, 0, r.all);
  assert.match(r.all ?? '', /\d+ passed/);
});
