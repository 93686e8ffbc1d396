// The one error base (src/errors.ts) and the stage classifier that reads it: each typed error says
// its snake_case code and whether a retry helps where it is declared, and classify() honours that.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeatersError } from '../src/errors.ts';
import { DbError } from '../src/db/index.ts';
import { DownloadError } from '../src/download/errors.ts';
import { MediaError } from '../src/media/errors.ts';
import { classify, StageError } from '../src/pipeline/errors.ts';
import { VideoCancelledError } from '../src/pipeline/cancel.ts';
import { PoolError, TaskFailedError, TaskTimeoutError, WorkerCrashedError } from '../src/pool/errors.ts';
import { StorageError } from '../src/storage/errors.ts';

test('every typed error extends the base, names itself and keeps its cause', () => {
  const cause = new Error('root');
  const errors: HeatersError[] = [
    new StorageError('network', 'put x failed', { op: 'put' }),
    new MediaError('corrupt', 'bad file', { cause }),
    new DownloadError('network', 'refused', { cause }),
    new DbError('video_not_found', 'video v not found'),
    new StageError('no_video_stream', 'no probe data', { retryable: false, cause }),
    new TaskFailedError('detect_scenes', 'bad_args', 'x is required'),
    new VideoCancelledError('v1'),
  ];
  for (const e of errors) {
    assert.ok(e instanceof HeatersError && e instanceof Error);
    assert.equal(e.name, e.constructor.name);
    assert.match(e.code, /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    assert.equal(typeof e.retryable, 'boolean');
  }
  assert.equal(errors[1]!.cause, cause);
  assert.equal(errors[2]!.cause, cause);
  assert.equal(errors[4]!.cause, cause);
  assert.equal(errors[0]!.cause, undefined);
});

test('classify reads retryable from the error: the codes that never retried still do not', () => {
  const permanent: HeatersError[] = [
    new StorageError('access_denied', 'denied', { op: 'get' }),
    new StorageError('not_found', 'no key', { op: 'get' }),
    ...(['not_a_video', 'no_video_stream', 'empty_file', 'corrupt', 'encode_failed'] as const).map((c) => new MediaError(c, c)),
    ...(['unsupported_url', 'http_error', 'not_found', 'forbidden_path', 'forbidden_url', 'too_large', 'timeout', 'not_a_video', 'bot_check'] as const).map(
      (c) => new DownloadError(c, c),
    ),
    ...['bad_args', 'unreadable_input'].map((c) => new TaskFailedError('detect_scenes', c, c)),
    new PoolError('bad_args', 'args not serializable'),
    new StageError('no_video_stream', 'no probe data', { retryable: false }),
  ];
  for (const e of permanent) assert.deepEqual(classify(e), { code: e.code, message: e.message, retryable: false }, `${e.name} ${e.code}`);

  const transient: HeatersError[] = [
    new StorageError('network', 'reset', { op: 'put' }),
    new StorageError('io', 'disk', { op: 'get' }),
    new MediaError('disk_full', 'ENOSPC'),
    new MediaError('probe_failed', 'ffprobe died'),
    new DownloadError('rate_limited', '429'),
    new DownloadError('download_failed', 'other'),
    new TaskFailedError('detect_scenes', 'bad_request', 'x'),
    new TaskTimeoutError('detect_scenes', 1000),
    new WorkerCrashedError({ exitCode: 1, signal: null, pid: 1, stderrTail: [] }),
    new DbError('video_failed', 'video v was cancelled'),
  ];
  for (const e of transient) assert.equal(classify(e).retryable, true, `${e.name} ${e.code}`);
  assert.deepEqual(classify(new VideoCancelledError('v')), { code: 'cancelled', message: 'video v was cancelled by an operator', retryable: false });
});

test('classify: foreign errors are internal and retried; their messages are redacted', () => {
  const enoent = Object.assign(new Error('open /x failed'), { code: 'ENOENT' });
  assert.deepEqual(classify(enoent), { code: 'internal', message: 'open /x failed', retryable: true });
  assert.deepEqual(classify('a string'), { code: 'internal', message: 'a string', retryable: true });
  const leaky = classify(new Error('GET https://bob:hunter22@example.com/x failed'));
  assert.equal(leaky.message, 'GET https://bob:[REDACTED]@example.com/x failed');
  // A foreign error with a house code and its own verdict keeps both.
  assert.deepEqual(classify(Object.assign(new Error('m'), { code: 'restore_pending', retryable: false })), {
    code: 'restore_pending',
    message: 'm',
    retryable: false,
  });
});
