// Review end to end: the model through the HTTP API (every action, validation, leases, ordering),
// undo/redo of split and merge across a daemon restart, redetect keeping reviewer cuts, and the CLI.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { listClips, mergeDetected } from '../src/db/index.ts';
import type { Clip } from '../src/db/index.ts';
import { requestRedetect } from '../src/pipeline/index.ts';
import { REPO_ROOT } from './helpers/common.ts';
import type { TestPostgres } from './helpers/postgres.ts';
import { readyVideo, reviewPostgres, startReviewDaemon } from './helpers/review.ts';
import type { TestDaemon } from './helpers/daemon.ts';

type D = TestDaemon & { url: string };
let pg: TestPostgres;
let d: D;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
async function api(method: string, p: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const r = await fetch(`${d.url}${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}
const act = (clipId: string, action: string, reviewer: string, extra: Record<string, unknown> = {}) =>
  api('POST', `/api/clips/${clipId}/${action}`, { reviewer, ...extra });
const ranges = (clips: Clip[]) => clips.map((c) => [c.startFrame, c.endFrame, c.reviewState]);
const clipsOf = (videoId: string) => listClips(d.deps.db, videoId);
/** The order the queue hands out a video's clips: least-confident cut first, unscored last, then by position. */
const inQueueOrder = (clips: Clip[]) =>
  [...clips].sort((a, b) => (a.confidence ?? Infinity) - (b.confidence ?? Infinity) || a.startFrame - b.startFrame);

before(async () => {
  pg = await reviewPostgres();
  d = await startReviewDaemon({ DATABASE_URL: pg.url });
});
after(async () => {
  await d?.close();
  await pg?.stop();
});

describe('review API', () => {
  let videoId: string;
  before(async () => {
    videoId = (await readyVideo(d, 'review-actions')).id;
  });

  test('videos and clips: three clips with stable ids, all pending', async () => {
    const v = await api('GET', '/api/videos');
    assert.equal(v.status, 200);
    const mine = v.body.videos.find((x: Json) => x.id === videoId);
    assert.equal(mine.counts.pending, 3);
    const c = await api('GET', `/api/videos/${videoId}/clips`);
    assert.deepEqual(c.body.clips.map((x: Json) => [x.startFrame, x.endFrame, x.state]), [[0, 50, 'pending'], [50, 90, 'pending'], [90, 150, 'pending']]);
    assert.equal(c.body.video.frameCount, 150);
    assert.equal(c.body.video.fps, 25);
    const one = await api('GET', `/api/clips/${c.body.clips[1].id}`);
    assert.equal(one.body.index, 1);
    assert.equal(one.body.neighbours.length, 3);
  });

  test('approve, skip, archive, group: each in the database, each an event; repeats and first-clip groups refused', async () => {
    const [a, b, c] = await clipsOf(videoId);
    assert.equal((await act(a!.id, 'approve', 'ann')).status, 200);
    assert.equal((await act(b!.id, 'skip', 'ann')).status, 200);
    assert.equal((await act(c!.id, 'archive', 'ann')).status, 200);
    assert.deepEqual(ranges(await clipsOf(videoId)).map((r) => r[2]), ['approved', 'skipped', 'archived']);
    const again = await act(a!.id, 'approve', 'ann');
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'unchanged');
    const first = await act(a!.id, 'group', 'ann');
    assert.equal(first.status, 422);
    assert.equal(first.body.error, 'no_previous_clip');
    const g = await act(b!.id, 'group', 'ann');
    assert.equal(g.status, 200);
    const g2 = await act(c!.id, 'group', 'ann');
    assert.equal(g2.status, 200);
    const after = await clipsOf(videoId);
    assert.ok(after[0]!.groupId && after[0]!.groupId === after[1]!.groupId && after[1]!.groupId === after[2]!.groupId, 'one group of three');
    assert.equal((await act(c!.id, 'group', 'ann')).body.error, 'already_grouped');
    const h = await api('GET', `/api/review/history?videoId=${videoId}`);
    assert.deepEqual(h.body.events.map((e: Json) => e.action), ['group', 'group', 'archive', 'skip', 'approve']);
    const ev = h.body.events.at(-1);
    assert.equal(ev.reviewer, 'ann');
    assert.equal(ev.before[0].state, 'pending');
    assert.equal(ev.after[0].state, 'approved');
    // Append-only in the database too.
    await assert.rejects(d.deps.db.query(`UPDATE heaters.review_events SET reviewer = 'eve'`), /append-only/);
  });

  test('every validation error of a split, then a split and a merge', async () => {
    const v2 = (await readyVideo(d, 'review-split')).id;
    const [, mid] = await clipsOf(v2); // frames 50-90
    const cases: Array<[unknown, number, string]> = [
      [60.5, 400, 'invalid_request'], // not a whole frame: refused by the schema
      [undefined, 422, 'not_on_frame'],
      [150, 422, 'outside_video'],
      [20, 422, 'outside_clip'],
      [53, 422, 'too_short'],
      [87, 422, 'too_short'],
    ];
    for (const [frame, status, code] of cases) {
      const r = await act(mid!.id, 'split', 'bob', frame === undefined ? {} : { frame });
      assert.equal(r.status, status, `frame ${frame}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, code);
      assert.ok(r.body.message.length > 10, 'says why');
    }
    const bad = await act('00000000-0000-4000-8000-000000000000', 'approve', 'bob');
    assert.equal(bad.status, 404);
    assert.equal(bad.body.error, 'clip_not_found');
    assert.equal((await act(mid!.id, 'split', '')).status, 400, 'reviewer required');

    const s = await act(mid!.id, 'split', 'bob', { frame: 70 });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.deepEqual(s.body.clips.map((c: Json) => [c.startFrame, c.endFrame]), [[50, 70], [70, 90]]);
    assert.equal(s.body.clips[0].id, mid!.id, 'the first part keeps the id');
    assert.equal(s.body.clips[1].startS, 70 / 25);
    const rows = await clipsOf(v2);
    assert.deepEqual(rows.map((c) => [c.idx, c.startFrame, c.endFrame, c.origin]), [
      [0, 0, 50, 'detector'],
      [1, 50, 70, 'reviewer'],
      [2, 70, 90, 'reviewer'],
      [3, 90, 150, 'detector'],
    ]);
    const m = await act(rows[3]!.id, 'merge', 'bob');
    assert.equal(m.status, 200);
    assert.deepEqual((await clipsOf(v2)).map((c) => [c.idx, c.startFrame, c.endFrame]), [[0, 0, 50], [1, 50, 70], [2, 70, 150]]);
  });

  test('undo/redo of split and merge, multi-step, survive a daemon restart', async () => {
    const v3 = (await readyVideo(d, 'review-undo')).id;
    const original = await clipsOf(v3);
    const [a, b, c] = original;
    await act(b!.id, 'split', 'cat', { frame: 60 });
    const afterSplit = await clipsOf(v3);
    const newId = afterSplit[2]!.id;
    await act(c!.id, 'merge', 'cat'); // 60-90 + 90-150 → 60-150 (id of 60-90)
    await act(a!.id, 'approve', 'cat');
    const afterAll = ranges(await clipsOf(v3));
    assert.deepEqual(afterAll, [[0, 50, 'approved'], [50, 60, 'pending'], [60, 150, 'pending']]);

    // Restart: a new daemon on the same database.
    await d.close();
    d = await startReviewDaemon({ DATABASE_URL: pg.url });

    const u1 = await api('POST', '/api/review/undo', { reviewer: 'cat' });
    assert.equal(u1.status, 200);
    assert.deepEqual(ranges(await clipsOf(v3)), [[0, 50, 'pending'], [50, 60, 'pending'], [60, 150, 'pending']]);
    await api('POST', '/api/review/undo', { reviewer: 'cat' }); // the merge
    const unmerged = await clipsOf(v3);
    assert.deepEqual(unmerged.map((x) => [x.startFrame, x.endFrame]), [[0, 50], [50, 60], [60, 90], [90, 150]]);
    assert.equal(unmerged[3]!.id, c!.id, 'the merged-away clip is back with its id');
    await api('POST', '/api/review/undo', { reviewer: 'cat' }); // the split
    const restored = await clipsOf(v3);
    assert.deepEqual(restored.map((x) => [x.id, x.startFrame, x.endFrame, x.reviewState, x.origin]), original.map((x) => [x.id, x.startFrame, x.endFrame, x.reviewState, x.origin]));
    const none = await api('POST', '/api/review/undo', { reviewer: 'dan' });
    assert.equal(none.status, 409);
    assert.equal(none.body.error, 'nothing_to_undo');

    await api('POST', '/api/review/redo', { reviewer: 'cat' }); // split again, same ids
    assert.deepEqual((await clipsOf(v3)).map((x) => [x.id, x.startFrame, x.endFrame]), afterSplit.map((x) => [x.id, x.startFrame, x.endFrame]));
    assert.equal((await clipsOf(v3))[2]!.id, newId);
    await api('POST', '/api/review/redo', { reviewer: 'cat' }); // merge again
    assert.deepEqual((await clipsOf(v3)).map((x) => [x.startFrame, x.endFrame]), [[0, 50], [50, 60], [60, 150]]);
    // A new action clears the redo stack.
    const [, , last] = await clipsOf(v3);
    await act(last!.id, 'skip', 'cat');
    const noRedo = await api('POST', '/api/review/redo', { reviewer: 'cat' });
    assert.equal(noRedo.body.error, 'nothing_to_redo');

    // Undo is per reviewer and refuses to overwrite another reviewer's later change.
    await act(last!.id, 'approve', 'eve'); // skipped → approved by eve
    const conflict = await api('POST', '/api/review/undo', { reviewer: 'cat' });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error, 'conflict');
    assert.equal((await clipsOf(v3))[2]!.reviewState, 'approved');
    assert.equal((await api('POST', '/api/review/undo', { reviewer: 'eve' })).status, 200);
    assert.equal((await clipsOf(v3))[2]!.reviewState, 'skipped');
  });
});

describe('claims', () => {
  let videos: string[];
  before(async () => {
    // Nothing else pending: settle what the other tests left.
    await d.deps.db.query(`UPDATE heaters.clips SET review_state = 'archived'`);
    videos = [];
    for (const k of ['claims-1', 'claims-2', 'claims-3']) videos.push((await readyVideo(d, k)).id);
  });

  test('order: oldest video first, least-confident cut first (scored cuts), else in order; the same reviewer gets their clip back', async () => {
    const first = await api('POST', '/api/review/next', { reviewer: 'r1' });
    const clips = inQueueOrder(await clipsOf(videos[0]!));
    assert.equal(first.body.clip.id, clips[0]!.id);
    assert.equal(first.body.clip.leasedBy, 'r1');
    assert.equal((await api('POST', '/api/review/next', { reviewer: 'r1' })).body.clip.id, clips[0]!.id, 'held clip first');
    const second = await api('POST', '/api/review/next', { reviewer: 'r2' });
    assert.equal(second.body.clip.id, clips[1]!.id);
    // Another reviewer cannot act on a claimed clip; its holder can.
    const refused = await act(clips[0]!.id, 'approve', 'r2');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error, 'leased');
    assert.equal((await act(clips[0]!.id, 'approve', 'r1')).status, 200);
    const next = await api('POST', '/api/review/next', { reviewer: 'r1' });
    assert.equal(next.body.clip.id, clips[2]!.id, 'after acting, the next free clip');
    for (const r of ['r1', 'r2']) await api('POST', '/api/review/release', { reviewer: r, clipId: (await api('POST', '/api/review/next', { reviewer: r })).body.clip.id });
  });

  test('N parallel claims give N distinct clips', async () => {
    const n = 6;
    const got = await Promise.all(Array.from({ length: n }, (_, i) => api('POST', '/api/review/next', { reviewer: `p${i}` })));
    const ids = got.map((g) => g.body.clip.id);
    assert.equal(new Set(ids).size, n, JSON.stringify(ids));
    const { rows } = await d.deps.db.query(`SELECT count(DISTINCT leased_by)::int n FROM heaters.clips WHERE id = ANY($1::uuid[]) AND lease_expires_at > now()`, [ids]);
    assert.equal(rows[0].n, n);
    for (let i = 0; i < n; i++) await api('POST', '/api/review/release', { reviewer: `p${i}`, clipId: ids[i] });
  });

  test('a lease expires and the clip returns to the queue; renewal keeps it', async () => {
    const v = videos[2]!;
    const a = await api('POST', '/api/review/next', { reviewer: 'x1', videoId: v, leaseSeconds: 1 });
    const b = await api('POST', '/api/review/next', { reviewer: 'x2', videoId: v, leaseSeconds: 1 });
    assert.notEqual(a.body.clip.id, b.body.clip.id);
    const renewed = await api('POST', '/api/review/lease', { reviewer: 'x2', clipId: b.body.clip.id, leaseSeconds: 60 });
    assert.equal(renewed.status, 200);
    assert.equal((await api('POST', '/api/review/lease', { reviewer: 'x3', clipId: b.body.clip.id })).body.error, 'lease_lost');
    // Wait for x1's one-second lease to run out (the database clock decides).
    await d.deps.db.query(`SELECT pg_sleep(GREATEST(0, EXTRACT(EPOCH FROM (lease_expires_at - now())) + 0.05)) FROM heaters.clips WHERE id = $1`, [a.body.clip.id]);
    const c = await api('POST', '/api/review/next', { reviewer: 'x3', videoId: v });
    assert.equal(c.body.clip.id, a.body.clip.id, 'the expired clip is claimable again, first in order');
    assert.equal((await api('POST', '/api/review/lease', { reviewer: 'x1', clipId: a.body.clip.id })).body.error, 'lease_lost');
  });

  test('claims and actions in parallel on one video: no deadlock, no 500, clips stay contiguous and numbered', async () => {
    await d.deps.db.query(`UPDATE heaters.clips SET review_state = 'archived', leased_by = NULL`);
    const { rows } = await d.deps.db.query<{ id: string }>(
      `INSERT INTO heaters.videos (source_url, idempotency_key, state, probe, duration_s, ready_at)
       VALUES ('test://synthetic', 'review-parallel', 'ready', '{"video": {"fps": 30}}', 80, now()) RETURNING id`,
    );
    const v = rows[0]!.id;
    await d.deps.db.query(
      `INSERT INTO heaters.clips (video_id, idx, start_frame, end_frame, start_s, end_s)
       SELECT $1, i, i * 60, (i + 1) * 60, i * 2, (i + 1) * 2 FROM generate_series(0, 39) i`,
      [v],
    );
    const statuses: number[] = [];
    const ACTIONS = ['approve', 'split', 'merge', 'group', 'skip', 'archive'];
    await Promise.all(
      Array.from({ length: 4 }, async (_, r) => {
        for (let n = 0; n < 200; n++) {
          const c = (await api('POST', '/api/review/next', { reviewer: `par${r}`, videoId: v })).body.clip;
          if (!c) return;
          const action = ACTIONS[(n + r) % ACTIONS.length]!;
          const res = await act(c.id, action, `par${r}`, action === 'split' ? { frame: Math.floor((c.startFrame + c.endFrame) / 2) } : {});
          statuses.push(res.status);
          if (res.status !== 200) statuses.push((await act(c.id, 'approve', `par${r}`)).status);
          if (n % 5 === 4) statuses.push((await api('POST', '/api/review/undo', { reviewer: `par${r}` })).status);
        }
      }),
    );
    assert.ok(statuses.length > 40);
    assert.ok(statuses.every((x) => x === 200 || x === 409 || x === 422), `statuses ${[...new Set(statuses)]}`);
    const clips = await clipsOf(v);
    clips.forEach((c, i) => {
      assert.equal(c.idx, i, 'dense positions');
      assert.equal(c.startFrame, i === 0 ? 0 : clips[i - 1]!.endFrame, 'contiguous');
    });
    assert.equal(clips.at(-1)!.endFrame, 2400);
  });

  test('least-confident cut first when the detector scored its cuts', async () => {
    const v = videos[1]!;
    await d.deps.db.query(`UPDATE heaters.clips SET leased_by = NULL, lease_expires_at = NULL, review_state = 'pending' WHERE video_id = $1`, [v]);
    await d.deps.db.query(`UPDATE heaters.clips SET review_state = 'archived' WHERE video_id <> $1`, [v]);
    const cl = await clipsOf(v);
    await d.deps.db.query(`UPDATE heaters.clips SET confidence = CASE idx WHEN 1 THEN 0.9 WHEN 2 THEN 0.2 END WHERE video_id = $1`, [v]);
    const order = [];
    for (const r of ['c1', 'c2', 'c3']) order.push((await api('POST', '/api/review/next', { reviewer: r })).body.clip.id);
    assert.deepEqual(order, [cl[2]!.id, cl[1]!.id, cl[0]!.id]);
    assert.equal((await api('POST', '/api/review/next', { reviewer: 'c4' })).body.clip, null, 'nothing left');
  });
});

describe('redetect keeps what a reviewer made or confirmed', () => {
  test('mergeDetected: kept clips stay, detected cuts inside or too close to them are dropped', () => {
    const clip = (id: string, s: number, e: number, state: Clip['reviewState'], origin: Clip['origin']): Clip => ({
      id, videoId: 'v', idx: 0, startFrame: s, endFrame: e, startS: s / 25, endS: e / 25, keyframeS: null, reviewState: state, groupId: null, origin, confidence: null,
    });
    const existing = [clip('a', 0, 30, 'pending', 'reviewer'), clip('b', 30, 100, 'pending', 'detector'), clip('c', 100, 160, 'approved', 'detector'), clip('d', 160, 200, 'pending', 'detector')];
    const detected = [0, 20, 103, 140, 180].map((s, i, all) => ({ startFrame: s, endFrame: all[i + 1] ?? 200, startS: s / 25, endS: (all[i + 1] ?? 200) / 25, keyframeS: 0 }));
    const out = mergeDetected(existing, detected, { minFrames: 8 });
    // 20 is inside kept a, 103 is within 8 of kept c's start, 140 inside c; 180 splits the pending stretch.
    assert.deepEqual(out.map((r) => [r.start_frame, r.end_frame, r.review_state]), [[0, 30, 'pending'], [30, 100, 'pending'], [100, 160, 'approved'], [160, 180, 'pending'], [180, 200, 'pending']]);
    assert.equal(out[0]!.id, 'a');
    assert.equal(out[1]!.id, 'b', 'an unchanged pending range keeps its id');
    assert.equal(out[2]!.id, 'c');
  });

  test('a split and an approval survive heaters redetect; pending clips follow the detector', async () => {
    const v = (await readyVideo(d, 'review-redetect')).id;
    const [a, , c] = await clipsOf(v);
    await act(a!.id, 'split', 'rev', { frame: 25 });
    await act(c!.id, 'approve', 'rev');
    const before = await clipsOf(v);
    await requestRedetect(d.deps, v, { min_scene_len: 8 });
    const settled = await d.waitSettled(v);
    assert.equal(settled.state, 'ready');
    const after = await clipsOf(v);
    assert.deepEqual(after.map((x) => [x.id, x.startFrame, x.endFrame, x.reviewState, x.origin]), before.map((x) => [x.id, x.startFrame, x.endFrame, x.reviewState, x.origin]));
    assert.ok((settled.detector as { params?: { min_scene_len?: number } }).params?.min_scene_len === 8, 'the detector ran again');
  });
});

describe('heaters review (CLI)', () => {
  const cli = (args: string[]) =>
    execa(process.execPath, [path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), ...args], {
      env: { DATABASE_URL: pg.url, HEATERS_DATA_DIR: d.dataDir, LOG_LEVEL: 'silent' },
      reject: false,
      cwd: REPO_ROOT,
    });

  test('next, approve (twice: exit 2), split refused, undo, clips --json with id and state', async () => {
    await d.deps.db.query(`UPDATE heaters.clips SET review_state = 'archived', leased_by = NULL`);
    const v = (await readyVideo(d, 'review-cli')).id;
    const next = await cli(['review', 'next', '--reviewer', 'sam', '--json']);
    assert.equal(next.exitCode, 0, next.stderr);
    const clip = JSON.parse(next.stdout);
    assert.equal(clip.videoId, v);
    assert.equal(clip.id, inQueueOrder(await clipsOf(v))[0]!.id);
    assert.equal(clip.state, 'pending');
    const ok = await cli(['review', 'approve', clip.id, '--reviewer', 'sam', '--json']);
    assert.equal(ok.exitCode, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).clips[0].state, 'approved');
    const again = await cli(['review', 'approve', clip.id, '--reviewer', 'sam']);
    assert.equal(again.exitCode, 2);
    assert.match(again.stderr, /refused: unchanged/);
    const split = await cli(['review', 'split', clip.id, '--frame', String(clip.startFrame + 3), '--reviewer', 'sam']);
    assert.equal(split.exitCode, 2);
    assert.match(split.stderr, /too_short/);
    const undo = await cli(['review', 'undo', '--reviewer', 'sam', '--json']);
    assert.equal(undo.exitCode, 0, undo.stderr);
    const list = await cli(['clips', v, '--json']);
    assert.equal(list.exitCode, 0, list.stderr);
    const rows = JSON.parse(list.stdout);
    assert.deepEqual(rows.map((r: Json) => r.state), ['pending', 'pending', 'pending']);
    assert.ok(rows.some((r: Json) => r.id === clip.id));
  });
});
