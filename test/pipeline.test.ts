// End to end: URL in, proxy in object storage and clips in Postgres out, through the real daemon.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { Writable } from 'node:stream';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pgLib from 'pg';
import { createOrGetVideo, getVideo, listArtefacts, listClips, listStageRuns } from '../src/db/index.ts';
import { probe, resolveFfmpeg } from '../src/media/index.ts';
import { probeOf } from '../src/pipeline/probe-of.ts';
import { awaitIngest, QUEUES } from '../src/queue/index.ts';
import type { IngestOptions } from '../src/queue/index.ts';
import { requestRedetect } from '../src/pipeline/index.ts';
import { z } from 'zod';
import {
  ensureCutSample, SMALL_CUT_SAMPLE, ensureSampleMedia, SAMPLE_DIR, sampleCutFrames, sampleName, type SampleMedia, type SampleSpec,
} from './helpers/media/index.ts';
import { startMediaServer } from './helpers/media-server.ts';
import type { MediaServer } from './helpers/media-server.ts';
import { startTestPostgres } from './helpers/postgres.ts';
import type { TestPostgres } from './helpers/postgres.ts';
import { startS3rver } from './helpers/s3rver.ts';
import type { S3rverHandle } from './helpers/s3rver.ts';
import { startTestDaemon } from './helpers/daemon.ts';
import type { TestDaemon } from './helpers/daemon.ts';

const CUT_SPEC = SMALL_CUT_SAMPLE;

let pg: TestPostgres;
let s3: S3rverHandle;
let samples: SampleMedia;
let media: MediaServer; // the bad-input and DASH samples
let cutsServer: MediaServer; // our samples with known cut frames
let daemon: TestDaemon;
let bins: { ffmpeg: string; ffprobe: string };
let scratch: string;

before(async () => {
  bins = await resolveFfmpeg();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'heaters-pipeline-'));
  [pg, s3, samples] = await Promise.all([startTestPostgres(), startS3rver(), ensureSampleMedia()]);
  await ensureCutSample(CUT_SPEC);
  await ensureCutSample(cutSpec('vp9_opus'));
  // Over the 1 MB limit set below; the size check fires before any content check.
  await writeFile(path.join(SAMPLE_DIR, 'big.mp4'), randomBytes(1_600_000));
  media = await startMediaServer(samples.root);
  cutsServer = await startMediaServer(SAMPLE_DIR);
});

after(async () => {
  await Promise.all([media?.stop(), cutsServer?.stop()]);
  await s3?.stop();
  await pg?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const cutSpec = (codec: SampleSpec['codec']): SampleSpec => ({ ...CUT_SPEC, codec });
const cutUrl = (codec: SampleSpec['codec']) => cutsServer.url(`/${sampleName(cutSpec(codec))}`);

async function ready(d: TestDaemon, url: string, options: { master?: boolean } = {}) {
  const { videoId } = await d.ingest(url, options);
  const v = await d.waitSettled(videoId);
  assert.equal(v.state, 'ready', `expected ready, got ${v.state} ${v.errorCode ?? ''}: ${v.errorMessage ?? ''}`);
  return v;
}

async function storedProxyProbe(d: TestDaemon, videoId: string) {
  const proxy = (await listArtefacts(d.deps.db, videoId)).find((a) => a.kind === 'proxy');
  assert.ok(proxy, 'proxy artefact recorded');
  assert.ok(proxy.storeUri.startsWith(d.deps.store.kind === 's3' ? 's3://' : 'file://'), proxy.storeUri);
  const local = path.join(scratch, `${videoId}.mp4`);
  const got = await d.deps.store.get(proxy.objectKey, local);
  assert.equal(got.sha256, proxy.sha256, 'stored bytes match the recorded sha256');
  return probe(local, bins);
}

async function stageRun(d: TestDaemon, videoId: string, stage: string) {
  const runs = (await listStageRuns(d.deps.db, videoId)).filter((r) => r.stage === stage && r.ok);
  assert.equal(runs.length, 1, `one successful ${stage} run`);
  return runs[0]!;
}

const sumEncodes = (runs: Array<{ encodePasses: number | null }>) => runs.reduce((a, r) => a + (r.encodePasses ?? 0), 0);

/** The end-to-end run both stores must pass, word for word. */
async function progressiveRemuxEndToEnd(d: TestDaemon, url: string) {
  const v = await ready(d, url);
  const pre = await stageRun(d, v.id, 'preprocess');
  assert.equal(pre.encodePasses, 0, 'remux: no encode');
  const p = await storedProxyProbe(d, v.id);
  assert.equal(p.video?.codec, 'h264');
  assert.equal(p.audio?.codec, 'aac');
  const clips = await listClips(d.deps.db, v.id);
  const starts = clips.slice(1).map((c) => c.startFrame);
  const expected = sampleCutFrames(CUT_SPEC);
  assert.equal(starts.length, expected.length, `cuts found at ${starts} for ${expected}`);
  starts.forEach((f, i) => assert.ok(Math.abs(f - expected[i]!) <= 1, `cut ${f} within 1 frame of ${expected[i]}`));
  for (const c of clips) assert.ok(c.keyframeS !== null && c.keyframeS <= c.startS + 1e-6, 'each clip has a keyframe at or before its start');
  assert.equal(existsSync(path.join(d.deps.cfg.workDir, v.id)), false, 'workspace deleted');
  const ops = await d.storeOps(v.id);
  assert.equal(ops.put ?? 0, 2, 'one PUT per artefact: the proxy and the thumbnail strip');
  assert.equal(ops.get ?? 0, 0, 'no GET');
  assert.equal(ops.head ?? 0, 0, 'no HEAD');
}

// One daemon per describe: daemons sharing a database share its queues, so each suite's daemon is
// the only consumer while its tests run.
describe('ingest chain (S3 store)', () => {
  before(async () => {
    daemon = await startTestDaemon({
      DATABASE_URL: pg.url,
      ...s3.daemonEnv(),
      HEATERS_MAX_DOWNLOAD_MB: '1',
    });
  });
  after(async () => {
    await daemon?.close();
  });

  test('progressive H.264/AAC MP4: remux, clips at the cut frames, one PUT per artefact (proxy, thumbnail strip)', async () => {
    await progressiveRemuxEndToEnd(daemon, cutUrl('h264_aac'));
  });

  test('DASH with separate video and audio: merged, ready', async () => {
    const v = await ready(daemon, media.url(samples.dash.urlPath));
    const src = probeOf(v);
    assert.ok(src?.video && src.audio, 'merged source has video and audio');
    const p = await storedProxyProbe(daemon, v.id);
    assert.ok(p.video && p.audio);
    assert.equal(p.video.height, samples.dash.bestVideo.height, 'best video quality chosen');
  });

  test('VP9/Opus WebM: exactly one encode to an H.264/AAC proxy', async () => {
    const v = await ready(daemon, cutUrl('vp9_opus'));
    assert.equal((await stageRun(daemon, v.id, 'preprocess')).encodePasses, 1);
    const p = await storedProxyProbe(daemon, v.id);
    assert.equal(p.video?.codec, 'h264');
    assert.equal(p.audio?.codec, 'aac');
    const det = await stageRun(daemon, v.id, 'detect');
    assert.equal(det.details?.usedEncodeFrames, true, 'detection reused the encode decode');
    const starts = (await listClips(daemon.deps.db, v.id)).slice(1).map((c) => c.startFrame);
    const expected = sampleCutFrames(CUT_SPEC);
    assert.equal(starts.length, expected.length, `cuts ${starts} vs ${expected}`);
  });

  test('--master: FFV1 master stored too, with its storage class: 3 PUTs (proxy, master, strip)', async () => {
    const v = await ready(daemon, media.url(samples.mp4.urlPath), { master: true });
    const arts = await listArtefacts(daemon.deps.db, v.id);
    const master = arts.find((a) => a.kind === 'master');
    assert.ok(master, 'master recorded');
    assert.equal(master.storageClass, 'GLACIER_IR');
    const local = path.join(scratch, `${v.id}.mkv`);
    await daemon.deps.store.get(master.objectKey, local);
    assert.equal((await probe(local, bins)).video?.codec, 'ffv1');
    assert.equal((await daemon.storeOps(v.id)).put, 3, 'proxy, master, thumbnail strip');
  });

  test('per-ingest detector parameters reach the detector; unknown ones are refused before a video exists', async () => {
    const url = `${cutUrl('h264_aac')}?params=1`;
    const { videoId } = await daemon.ingest(url, { detect: { min_scene_len: 60 } });
    const v = await daemon.waitSettled(videoId);
    assert.equal(v.state, 'ready', `${v.errorCode}: ${v.errorMessage}`);
    // Scenes of 50, 40 and 60 frames: a 60-frame minimum keeps fewer cuts than the default.
    const clips = await listClips(daemon.deps.db, videoId);
    assert.ok(clips.length < CUT_SPEC.scenes.length, `${clips.length} clips`);
    assert.equal((v.detector as { params: { min_scene_len: number } }).params.min_scene_len, 60, 'the resolved parameters are recorded');
    // Unknown parameters are refused before any video exists: directly, and through the queue,
    // where the ingest job completes (no pointless retries) with the reasons as its output.
    const badOptions = { detect: { no_such_param: 1 } } as unknown as IngestOptions;
    await assert.rejects(daemon.ingest(`${url}&bad=1`, badOptions), z.ZodError);
    const jobId = await daemon.deps.boss.send(QUEUES.ingest, { url: `${url}&bad=2`, options: badOptions });
    await assert.rejects(awaitIngest(daemon.deps.boss, jobId!, { timeoutMs: 10_000 }), /no_such_param/);
  });

  test('re-detecting a ready video with other parameters reads the proxy back from the store: 1 GET, no PUT, no encode', async () => {
    const v = await ready(daemon, `${cutUrl('h264_aac')}?redetect=1`);
    assert.equal((await listClips(daemon.deps.db, v.id)).length, CUT_SPEC.scenes.length);
    await requestRedetect(daemon.deps, v.id, { min_scene_len: 60 });
    const again = await daemon.waitSettled(v.id);
    assert.equal(again.state, 'ready', `${again.errorCode}: ${again.errorMessage}`);
    assert.ok((await listClips(daemon.deps.db, v.id)).length < CUT_SPEC.scenes.length, 'clips replaced');
    const runs = (await listStageRuns(daemon.deps.db, v.id)).filter((r) => r.stage === 'detect');
    assert.equal(runs.length, 2);
    const redo = runs[1]!;
    assert.equal(redo.details?.recoveredFrom, 'store');
    assert.equal(redo.storeOps?.get, 1);
    assert.equal(redo.storeOps?.put ?? 0, 0);
    const ops = await daemon.storeOps(v.id);
    assert.equal(ops.put, 2, 'still the PUTs of the first run (proxy, thumbnail strip)');
    assert.equal(sumEncodes(await listStageRuns(daemon.deps.db, v.id)), 0);
    await assert.rejects(requestRedetect(daemon.deps, v.id, { bogus: 1 }), z.ZodError);
  });

  test('the same URL sent twice at once yields one video (direct and through pg-boss)', async () => {
    const url = `${media.url(samples.webm.urlPath)}?twice=1`;
    const [a, b] = await Promise.all([daemon.ingest(url), daemon.ingest(url)]);
    assert.equal(a.videoId, b.videoId);
    assert.equal([a.created, b.created].filter(Boolean).length, 1);
    const url2 = `${media.url(samples.webm.urlPath)}?twice=2`;
    const { boss } = daemon.deps;
    const ids = await Promise.all([boss.send(QUEUES.ingest, { url: url2 }), boss.send(QUEUES.ingest, { url: url2 })]);
    const videoIds = new Set<string>();
    for (const id of ids.filter((x): x is string => !!x)) {
      for (;;) {
        const job = await boss.getJobById(QUEUES.ingest, id);
        if (job?.state === 'completed') {
          videoIds.add((job.output as { videoId: string }).videoId);
          break;
        }
        assert.notEqual(job?.state, 'failed');
        await new Promise((r) => setTimeout(r, 20)); // polling the job row for its output
      }
    }
    assert.equal(videoIds.size, 1);
    await daemon.waitSettled(a.videoId);
    await daemon.waitSettled([...videoIds][0]!);
  });

  test('bad inputs fail typed while the daemon keeps serving', async () => {
    const cases: Array<[string, string]> = [
      [media.url('/missing.mp4'), 'http_error'],
      [media.url(samples.html.urlPath), 'unsupported_url'],
      [media.url(samples.text.urlPath), 'not_a_video'],
      [media.url(samples.truncatedMp4.urlPath), 'corrupt'],
      [media.url(samples.m4a.urlPath), 'no_video_stream'],
      [media.url(samples.empty.urlPath), 'not_a_video'],
      ['ftp://127.0.0.1/video.mp4', 'unsupported_url'],
      ['javascript:alert(1)', 'unsupported_url'],
      [cutsServer.url('/big.mp4'), 'too_large'],
    ];
    const settled = await Promise.all(cases.map(async ([url]) => daemon.waitSettled((await daemon.ingest(url)).videoId)));
    settled.forEach((v, i) => {
      assert.equal(v.state, 'failed', `${cases[i]![0]} failed`);
      assert.equal(v.errorCode, cases[i]![1], `${cases[i]![0]}: ${v.errorMessage}`);
      assert.ok(v.errorMessage && v.errorMessage.length > 0, 'a message is recorded');
    });
    // Nothing stored for failed videos, and the pools survived: the next job completes.
    for (const v of settled) assert.deepEqual(await listArtefacts(daemon.deps.db, v.id), []);
    await ready(daemon, `${media.url(samples.mp4.urlPath)}?after-failures=1`);
    assert.equal(daemon.deps.ioPool.stats().crashed, 0);
  });

  test('a stage whose local input is missing recovers and completes', async () => {
    const { db, boss } = daemon.deps;
    // preprocess with its source gone: re-download.
    const a = await createOrGetVideo(db, { url: cutUrl('h264_aac'), idempotencyKey: 'missing-source', options: {} });
    await boss.send(QUEUES.preprocess, { videoId: a.video.id, sourcePath: path.join(scratch, 'gone', 'source.mp4') });
    assert.equal((await daemon.waitSettled(a.video.id)).state, 'ready');
    assert.equal((await stageRun(daemon, a.video.id, 'preprocess')).details?.recoveredFrom, 'redownload');
    // detect with its proxy gone and nothing stored yet: re-download and preprocess again.
    const b = await createOrGetVideo(db, { url: cutUrl('h264_aac'), idempotencyKey: 'missing-proxy', options: {} });
    await boss.send(QUEUES.detect, { videoId: b.video.id, proxyPath: path.join(scratch, 'gone', 'proxy.mp4') });
    const vb = await daemon.waitSettled(b.video.id);
    assert.equal(vb.state, 'ready', `${vb.errorCode}: ${vb.errorMessage}`);
    assert.equal((await stageRun(daemon, b.video.id, 'detect')).details?.recoveredFrom, 'redownload');
    assert.ok((await listClips(db, b.video.id)).length >= 3);
  });
});

describe('graceful shutdown', () => {
  test('stop mid-download hands the job back (video not failed, no child left); a new daemon finishes it', async () => {
    const env = { DATABASE_URL: pg.url, HEATERS_SHUTDOWN_GRACE_S: '1' };
    const d = await startTestDaemon(env);
    const file = sampleName(CUT_SPEC);
    const { videoId } = await d.ingest(cutsServer.url(`/__/slow/${file}`)); // ~100 KB/s: a few seconds
    const db = new pgLib.Pool({ connectionString: pg.url });
    try {
      // Wait for the condition itself: the download has reported progress.
      while (!((await getVideo(db, videoId))?.progress?.stage === 'download')) await new Promise((r) => setTimeout(r, 50));
      const pids = d.deps.ioPool.pids();
      assert.ok(pids.length > 0);
      await d.close();
      const v = await getVideo(db, videoId);
      assert.equal(v?.state, 'downloading', 'not failed: the work was handed back');
      assert.equal(v?.errorCode, null);
      for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} is gone`);
      const { rows } = await db.query(`SELECT id, state FROM pgboss.job WHERE name = $1 AND data->>'videoId' = $2`, [QUEUES.download, videoId]);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].state, 'retry', 'the job went back to the queue');
      // The retry would wait out its backoff; make it due now so the test need not.
      await db.query('UPDATE pgboss.job SET start_after = now() WHERE id = $1', [rows[0].id]);
      const d2 = await startTestDaemon(env);
      try {
        const done = await d2.waitSettled(videoId);
        assert.equal(done.state, 'ready', `${done.errorCode}: ${done.errorMessage}`);
        const runs = await listStageRuns(d2.deps.db, videoId);
        assert.deepEqual(runs.filter((r) => r.stage === 'download').map((r) => r.ok), [false, true]);
      } finally {
        await d2.close();
      }
    } finally {
      await db.end();
    }
  });
});

describe('ingest chain (filesystem store)', () => {
  test('the same end-to-end run passes on FsStore', async () => {
    const d = await startTestDaemon({ DATABASE_URL: pg.url });
    try {
      assert.equal(d.deps.store.kind, 'fs');
      await progressiveRemuxEndToEnd(d, `${cutUrl('h264_aac')}?fs=1`);
    } finally {
      await d.close();
    }
  });
});

describe('secrets', () => {
  test('credentials in a source URL reach neither the logs, nor the stored error, nor any job data', async () => {
    const lines: string[] = [];
    const logTo = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
    const d = await startTestDaemon({ DATABASE_URL: pg.url, LOG_LEVEL: 'debug' }, { logTo });
    try {
      const password = 'hunter2-correct-horse';
      const signature = 'f'.repeat(64);
      const u = new URL(media.url('/missing.mp4'));
      const url = `http://alice:${password}@${u.host}/missing.mp4?X-Amz-Signature=${signature}&X-Amz-Credential=AKIAABCDEFGHIJKLMNOP`;
      const v = await d.waitSettled((await d.ingest(url)).videoId);
      assert.equal(v.errorCode, 'http_error');
      const { rows } = await d.deps.db.query(`SELECT data::text AS d FROM pgboss.job WHERE data->>'videoId' = $1`, [v.id]);
      assert.ok(rows.length >= 1, 'the stage jobs are there to inspect');
      const log = lines.join('');
      assert.match(log, /stage failed/, 'the failure was logged');
      for (const [where, text] of [['error message', v.errorMessage ?? ''], ['job data', rows.map((r) => r.d).join('\n')], ['logs', log]] as const) {
        for (const secret of [password, signature, 'AKIAABCDEFGHIJKLMNOP']) assert.ok(!text.includes(secret), `${secret} in ${where}`);
      }
    } finally {
      await d.close();
    }
  });
});
