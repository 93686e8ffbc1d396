// Export: the media core on a generated 40 s file with a keyframe every 2 s (frame-accurate smart
// cut, copy from the keyframe, FFV1 master cut, integrity checks), timecodes and edit lists
// (EDL, FCPXML, OTIO parsed back), and the stage end to end through pg-boss and the CLI.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { listArtefacts, listClips } from '../src/db/index.ts';
import {
  cutClip, exportKeyOf, frameHashes, frameIndex, getExport, listExports, loadTimeline, renderTimeline, requestClipExport,
  requestGroupExport, requestVideoExport, restoreState, timecodeRate, framesToTimecode, timecodeToFrames, verifyCut, waitExports,
  isExportError, rationalSeconds,
} from '../src/export/index.ts';
import type { CutResult, FrameIndex, Timeline } from '../src/export/index.ts';
import { lumaFrames, psnr } from '../src/export/frames.ts';
import { probe, resolveFfmpeg } from '../src/media/index.ts';
import { REPO_ROOT, testLogger } from './helpers/common.ts';
import { S3Store } from '../src/storage/index.ts';
import { ensureRestored } from '../src/export/master.ts';
import { encodeOnce, ensureCutSample, SMALL_CUT_SAMPLE, lavfi, SAMPLE_DIR, sampleName, tone } from './helpers/media/index.ts';
import { startMediaServer } from './helpers/media-server.ts';
import type { MediaServer } from './helpers/media-server.ts';
import { startTestPostgres } from './helpers/postgres.ts';
import type { TestPostgres } from './helpers/postgres.ts';
import { startReviewDaemon } from './helpers/review.ts';
import type { TestDaemon } from './helpers/daemon.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// The page callbacks run in the browser; these names only type them (no DOM lib in the tsconfig).
declare const document: { body: { dataset: Record<string, string | undefined> }; getElementById(id: string): { textContent: string | null } | null };
let bins: { ffmpeg: string; ffprobe: string };
let scratch: string;
let src: string; // 40 s, 160x120, 25 fps, H.264 High with B-frames, keyframe every 50 frames, AAC
let master: string; // the same as FFV1/FLAC
let srcIndex: FrameIndex;
let srcHashes: string[];
let kfCut: CutResult | undefined; // an exact cut of [100, 260), reused by the integrity test

before(async () => {
  bins = await resolveFfmpeg();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'heaters-export-'));
  src = await encodeOnce('gop50-160x120-25.mp4', [
    '-f', 'lavfi', '-i', `${lavfi.testsrc2({ width: 160, height: 120, fps: 25 })}:duration=40`, '-f', 'lavfi', '-i', tone(40),
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart', '-threads', '1',
  ]);
  master = await encodeOnce('gop50-160x120-25.mkv', ['-i', src, '-c:v', 'ffv1', '-level', '3', '-g', '1', '-c:a', 'flac']);
  srcIndex = await frameIndex(src, bins);
  srcHashes = await frameHashes(src, bins);
});

after(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const out = (name: string) => path.join(scratch, name);

describe('media core', () => {
  test('the generated source: 1000 frames, keyframes every 50, B-frames', () => {
    assert.equal(srcIndex.pts.length, 1000);
    assert.deepEqual(srcIndex.keyframes.slice(0, 4), [0, 50, 100, 150]);
    assert.ok(srcIndex.reorderDelay > 0, 'B-frames (reorder delay) make the joins non-trivial');
    assert.equal(srcHashes.length, 1000);
  });

  test('exact (smart cut) of a 30 s clip off its keyframes: exact frame count, first frame is the clip\'s, < half re-encoded', async () => {
    const clip = { startFrame: 37, endFrame: 787 }; // 750 frames; keyframes at 50 … 750
    const r = await cutClip({ mode: 'exact', src, srcKind: 'proxy', dst: out('exact.mp4'), ...clip, bins, tmpDir: out('t1'), index: srcIndex });
    assert.equal(r.method, 'smart');
    assert.equal(r.frames, 750);
    assert.equal(r.reencodedFrames, (50 - 37) + (787 - 750), 'head 37→50 and tail 750→787 only');
    assert.ok(r.reencodedFrames < 750 / 2);
    assert.deepEqual(r.copiedSpan, [50, 750]);
    const hashes = await frameHashes(r.path, bins);
    assert.equal(hashes.length, clip.endFrame - clip.startFrame, 'decoded frame count equals the clip length');
    // Every stream-copied frame hashes exactly like its source frame: the copied GOPs are aligned.
    assert.deepEqual(hashes.slice(50 - 37, 750 - 37), srcHashes.slice(50, 750));
    // The re-encoded first frame cannot hash the same; it must be most like source frame 37.
    const size = { width: 160, height: 120 };
    const [first] = await lumaFrames(r.path, bins, await frameIndex(r.path, bins), 0, 1, size);
    const around = await lumaFrames(src, bins, srcIndex, 36, 3, size);
    const scores = around.map((f) => psnr(first!, f));
    assert.ok(scores[1]! > 35 && scores[1]! > scores[0]! + 5 && scores[1]! > scores[2]! + 5, `PSNR vs 36/37/38: ${scores.join(', ')}`);
    const check = await verifyCut(r, clip, { path: src, index: srcIndex }, bins);
    assert.equal(check.firstFrame.by, 'psnr');
    assert.deepEqual(check.copiedFrameMd5, { outFrame: 13, sourceFrame: 50 });
    const p = await probe(r.path, bins);
    assert.equal(p.video?.codec, 'h264');
    assert.equal(p.audio?.codec, 'aac');
    assert.ok(Math.abs(p.durationS - 30) < 0.1, `duration ${p.durationS}`);
  });

  test('exact of a clip that starts on a keyframe: its first frame hashes like the source frame', async () => {
    const clip = { startFrame: 100, endFrame: 260 };
    const r = await cutClip({ mode: 'exact', src, srcKind: 'proxy', dst: out('exact-kf.mp4'), ...clip, bins, tmpDir: out('t2'), index: srcIndex });
    kfCut = r;
    const hashes = await frameHashes(r.path, bins);
    assert.equal(hashes.length, 160);
    assert.equal(hashes[0], srcHashes[100], 'first frame MD5 = source frame 100');
    assert.equal(r.reencodedFrames, 10, 'only the tail 250→260 is re-encoded');
    assert.equal((await verifyCut(r, clip, { path: src, index: srcIndex }, bins)).firstFrame.by, 'md5');
  });

  test('copy starts at the keyframe at or before the clip and reports by how many frames', async () => {
    const clip = { startFrame: 60, endFrame: 150 };
    const r = await cutClip({ mode: 'copy', src, srcKind: 'proxy', dst: out('copy.mp4'), ...clip, bins, tmpDir: out('t3'), index: srcIndex });
    assert.equal(r.reencodedFrames, 0);
    assert.equal(r.firstSourceFrame, 50);
    assert.equal(r.extraLeadingFrames, 10);
    const hashes = await frameHashes(r.path, bins);
    assert.equal(hashes[0], srcHashes[50], 'starts with the keyframe');
    assert.equal(hashes[r.extraLeadingFrames], srcHashes[60], 'the clip start is extraLeadingFrames in');
    assert.ok(hashes.length >= 90 + 10, `${hashes.length} frames`);
    assert.equal(hashes.length, r.frames);
    assert.deepEqual(hashes.slice(0, 100), srcHashes.slice(50, 150), 'nothing re-encoded');
    await verifyCut(r, clip, { path: src, index: srcIndex }, bins);
  });

  test('full re-encode (the baseline) is exact too; master mode is lossless FFV1 from the master', async () => {
    const clip = { startFrame: 37, endFrame: 137 };
    const re = await cutClip({ mode: 'exact', src, srcKind: 'proxy', dst: out('re.mp4'), ...clip, bins, tmpDir: out('t4'), index: srcIndex, forceReencode: true });
    assert.equal(re.method, 'reencode');
    assert.equal(re.reencodedFrames, 100);
    assert.equal((await frameHashes(re.path, bins)).length, 100);
    await verifyCut(re, clip, { path: src, index: srcIndex }, bins);

    const mIndex = await frameIndex(master, bins);
    const m = await cutClip({ mode: 'master', src: master, srcKind: 'master', dst: out('m.mkv'), ...clip, bins, tmpDir: out('t5'), index: mIndex });
    assert.equal(m.method, 'ffv1');
    const p = await probe(m.path, bins);
    assert.equal(p.video?.codec, 'ffv1');
    assert.equal(p.audio?.codec, 'flac');
    const mh = await frameHashes(m.path, bins);
    assert.equal(mh.length, 100);
    // Lossless: every frame decodes to the master's own (here also the proxy's) pictures.
    assert.deepEqual(mh, (await frameHashes(master, bins)).slice(37, 137));
    await verifyCut(m, clip, { path: master, index: mIndex }, bins);
  });

  test('integrity: a file that is not the clip it claims is refused', async () => {
    assert.ok(kfCut, 'the previous test made a 100→260 exact cut');
    const r = kfCut;
    const at = { path: src, index: srcIndex };
    const refused = (e: unknown) => isExportError(e, 'integrity_failed');
    // Claimed one frame later than it is (the file has its frame count): first-frame check.
    await assert.rejects(verifyCut({ ...r, firstSourceFrame: 101 }, { startFrame: 101, endFrame: 261 }, at, bins), refused);
    // One frame longer than the file.
    await assert.rejects(verifyCut(r, { startFrame: 100, endFrame: 261 }, at, bins), /160 frames, the clip has 161/);
    // Said to be re-encoded from frame 103 while it starts at 100: PSNR finds it is not frame 103.
    await assert.rejects(
      verifyCut({ ...r, method: 'reencode', copiedSpan: undefined, firstSourceFrame: 103 }, { startFrame: 103, endFrame: 263 }, at, bins),
      /PSNR|closer to a neighbour/,
    );
  });
});

describe('timecodes', () => {
  test('drop-frame at 29.97 and 59.94, non-drop elsewhere', () => {
    const df = timecodeRate(30000 / 1001);
    assert.equal(df.dropFrame, true);
    assert.equal(framesToTimecode(0, df), '00:00:00;00');
    assert.equal(framesToTimecode(1799, df), '00:00:59;29');
    assert.equal(framesToTimecode(1800, df), '00:01:00;02'); // ;00 and ;01 are skipped
    assert.equal(framesToTimecode(17982, df), '00:10:00;00'); // every tenth minute is not
    assert.equal(framesToTimecode(107892, df), '01:00:00;00');
    const df60 = timecodeRate(60000 / 1001);
    assert.equal(framesToTimecode(3600, df60), '00:01:00;04');
    const ndf = timecodeRate(25);
    assert.equal(ndf.dropFrame, false);
    assert.equal(framesToTimecode(90061, ndf), '01:00:02:11');
    assert.equal(timecodeRate(24000 / 1001).dropFrame, false);
    for (const rate of [df, df60, ndf, timecodeRate(24000 / 1001), timecodeRate(30)]) {
      for (let f = 0; f < 250_000; f += 997) assert.equal(timecodeToFrames(framesToTimecode(f, rate), rate), f);
    }
    assert.equal(rationalSeconds(3, df), '1001/10000s');
    assert.equal(rationalSeconds(50, ndf), '2s');
  });
});

// A 29.97 timeline of three clips, one of them grouped, to render and parse back.
const TL: Timeline = {
  videoId: '6f1d2c1e-0000-4000-8000-000000000001',
  title: 'Talk & "demo"',
  mediaUrl: 'file:///data/store/videos/x/proxy.mp4',
  mediaFrames: 40_000,
  width: 1280,
  height: 720,
  hasAudio: true,
  audioChannels: 2,
  rate: timecodeRate(30000 / 1001),
  groupsAvailable: true,
  clips: [
    { id: 'a0000000-0000-4000-8000-000000000001', idx: 0, startFrame: 0, endFrame: 1798, reviewState: 'approved', group: null },
    { id: 'a0000000-0000-4000-8000-000000000002', idx: 3, startFrame: 1800, endFrame: 17990, reviewState: 'approved', group: 'g1' },
    { id: 'a0000000-0000-4000-8000-000000000003', idx: 4, startFrame: 30001, endFrame: 30500, reviewState: 'pending', group: null },
  ],
};

describe('edit lists', () => {
  test('CMX3600 EDL parses back to the clip frames (drop-frame)', () => {
    const edl = renderTimeline('edl', TL);
    assert.match(edl, /^TITLE: Talk & "demo"\nFCM: DROP FRAME\n/);
    const events = [...edl.matchAll(/^(\d{3})  (\S+)\s+(\S+)\s+C\s+(\S+) (\S+) (\S+) (\S+)$/gm)];
    assert.equal(events.length, 3);
    let rec = timecodeToFrames('01:00:00;00', TL.rate);
    events.forEach((m, i) => {
      const c = TL.clips[i]!;
      assert.equal(m[1], String(i + 1).padStart(3, '0'));
      assert.equal(m[3], 'AA/V');
      assert.equal(timecodeToFrames(m[4]!, TL.rate), c.startFrame);
      assert.equal(timecodeToFrames(m[5]!, TL.rate), c.endFrame);
      assert.equal(timecodeToFrames(m[6]!, TL.rate), rec);
      rec += c.endFrame - c.startFrame;
      assert.equal(timecodeToFrames(m[7]!, TL.rate), rec);
      assert.ok(m[4]!.includes(';'), 'drop-frame separator');
    });
    assert.match(edl, /\* FROM CLIP NAME: proxy\.mp4/);
    assert.match(edl, /group=g1/);
    for (const line of edl.split('\n')) assert.ok(/^[\x20-\x7e]*$/.test(line), 'EDL is 7-bit ASCII');
  });

  test('FCPXML 1.9: well-formed, the structure FCP expects, clip times round-trip', () => {
    const xml = renderTimeline('fcpxml', TL);
    const root = parseXml(xml);
    assert.equal(root.name, 'fcpxml');
    assert.ok(Number(root.attrs.version) >= 1.9);
    const format = find(root, 'resources/format')[0]!;
    assert.equal(format.attrs.frameDuration, '1001/30000s');
    const asset = find(root, 'resources/asset')[0]!;
    assert.equal(asset.attrs.id, 'r2');
    assert.equal(asset.attrs.name, 'Talk & "demo"', 'entities decoded');
    assert.equal(find(asset, 'media-rep')[0]!.attrs.src, TL.mediaUrl);
    const seq = find(root, 'library/event/project/sequence')[0]!;
    assert.equal(seq.attrs.tcFormat, 'DF');
    const clips = find(seq, 'spine/asset-clip');
    assert.equal(clips.length, 3);
    const frames = (s: string) => {
      const m = /^(\d+)(?:\/(\d+))?s$/.exec(s);
      assert.ok(m, s);
      return Math.round((Number(m[1]) / Number(m[2] ?? 1)) / (1001 / 30000));
    };
    let offset = 0;
    clips.forEach((c, i) => {
      const want = TL.clips[i]!;
      assert.equal(c.attrs.ref, asset.attrs.id, 'refers to a declared asset');
      assert.equal(c.attrs.format, format.attrs.id);
      assert.equal(frames(c.attrs.start!), want.startFrame);
      assert.equal(frames(c.attrs.duration!), want.endFrame - want.startFrame);
      assert.equal(frames(c.attrs.offset!), offset);
      offset += want.endFrame - want.startFrame;
    });
    assert.equal(frames(seq.attrs.duration!), offset);
    assert.equal(find(clips[1]!, 'keyword')[0]!.attrs.value, 'g1');
  });

  test('OpenTimelineIO JSON: the published schema structure, clip ranges round-trip', () => {
    const otio = JSON.parse(renderTimeline('otio', TL)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(otio.OTIO_SCHEMA, 'Timeline.1');
    assert.equal(otio.tracks.OTIO_SCHEMA, 'Stack.1');
    const [video, audio] = otio.tracks.children;
    assert.equal(video.OTIO_SCHEMA, 'Track.1');
    assert.equal(video.kind, 'Video');
    assert.equal(audio.kind, 'Audio');
    const isRt = (t: any) => t.OTIO_SCHEMA === 'RationalTime.1' && typeof t.rate === 'number' && typeof t.value === 'number'; // eslint-disable-line @typescript-eslint/no-explicit-any
    video.children.forEach((c: any, i: number) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const want = TL.clips[i]!;
      assert.equal(c.OTIO_SCHEMA, 'Clip.2');
      for (const k of ['name', 'metadata', 'source_range', 'effects', 'markers', 'enabled', 'media_references', 'active_media_reference_key']) {
        assert.ok(k in c, `Clip.2 has ${k}`);
      }
      assert.equal(c.source_range.OTIO_SCHEMA, 'TimeRange.1');
      assert.ok(isRt(c.source_range.start_time) && isRt(c.source_range.duration));
      assert.ok(Math.abs(c.source_range.start_time.rate - 29.97002997) < 1e-6);
      assert.equal(c.source_range.start_time.value, want.startFrame);
      assert.equal(c.source_range.duration.value, want.endFrame - want.startFrame);
      const ref = c.media_references[c.active_media_reference_key];
      assert.equal(ref.OTIO_SCHEMA, 'ExternalReference.1');
      assert.equal(ref.target_url, TL.mediaUrl);
      assert.equal(c.metadata.heaters.clipId, want.id);
    });
    assert.equal(video.children[1].markers[0].OTIO_SCHEMA, 'Marker.2');
    assert.equal(video.children[1].metadata.heaters.group, 'g1');
  });

  test('CSV and JSON carry frames, seconds, timecodes, states and groups', () => {
    const csv = renderTimeline('csv', TL).trim().split('\r\n');
    assert.equal(csv[0], 'index,clip_id,start_frame,end_frame,frames,start_s,end_s,start_tc,end_tc,record_start_tc,review_state,group');
    assert.equal(csv.length, 4);
    assert.match(csv[2]!, /^3,a0000000-0000-4000-8000-000000000002,1800,17990,16190,[\d.]+,[\d.]+,00:01:00;02,00:10:00;08,00:00:59;28,approved,g1$/);
    const json = JSON.parse(renderTimeline('json', TL));
    assert.equal(json.dropFrame, true);
    assert.equal(json.clips[2].frames, 499);
  });
});

// Minimal XML parser for the structural checks: elements, attributes (entities decoded), text ignored;
// throws on any tag that is not closed in order.
type El = { name: string; attrs: Record<string, string>; children: El[] };
function parseXml(xml: string): El {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '');
  const stack: El[] = [{ name: '#doc', attrs: {}, children: [] }];
  const re = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(body))) {
    assert.equal(m.index, consumed, `unparsable XML at ${consumed}: ${body.slice(consumed, consumed + 40)}`);
    consumed = re.lastIndex;
    if (m[5] !== undefined) continue;
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      const open = stack.pop()!;
      assert.equal(open.name, name, `</${name}> closes <${open.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      attrs[a[1]!] = a[2]!.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    }
    const el: El = { name: name!, attrs, children: [] };
    stack.at(-1)!.children.push(el);
    if (!selfClose) stack.push(el);
  }
  assert.equal(consumed, body.length, 'whole document parsed');
  assert.equal(stack.length, 1, 'every element closed');
  assert.equal(stack[0]!.children.length, 1, 'one root element');
  return stack[0]!.children[0]!;
}
function find(el: El, p: string): El[] {
  let level = [el];
  for (const part of p.split('/')) level = level.flatMap((e) => e.children.filter((c) => c.name === part));
  return level;
}

describe('export stage end to end (pg-boss, daemon, store) and CLI', () => {
  const SPEC = SMALL_CUT_SAMPLE;
  let pg: TestPostgres;
  let server: MediaServer;
  let d: TestDaemon & { url: string };
  let videoId: string;

  before(async () => {
    await ensureCutSample(SPEC);
    [pg, server] = await Promise.all([startTestPostgres(), startMediaServer(SAMPLE_DIR)]);
    d = await startReviewDaemon({ DATABASE_URL: pg.url });
    ({ videoId } = await d.ingest(server.url(`/${sampleName(SPEC)}`)));
    const v = await d.waitSettled(videoId);
    assert.equal(v.state, 'ready', `${v.errorCode}: ${v.errorMessage}`);
  });
  after(async () => {
    await d?.close();
    await server?.stop();
    await pg?.stop();
  });

  const clipIds = async () => (await listClips(d.deps.db, videoId)).map((c) => c.id);

  test('exact export of every clip of a ready video: one PUT each, frame counts, idempotent', async () => {
    const rows = await requestVideoExport(d.deps, videoId, 'exact', 'all');
    assert.equal(rows.length, 3);
    const done = await waitExports(d.deps.db, rows.map((r) => r.id), { timeoutMs: 120_000, intervalMs: 50 });
    const want = [50, 40, 60]; // 2 s, 1.6 s, 2.4 s at 25 fps
    for (const [i, r] of done.entries()) {
      assert.equal(r.state, 'done', `${r.errorCode}: ${r.errorMessage}`);
      assert.equal(r.frames, want[i]);
      assert.equal(r.endFrame - r.startFrame, want[i]);
      assert.equal(r.source, 'proxy');
      assert.equal(r.extraLeadingFrames, 0);
      assert.ok(r.storeUri?.startsWith('file://'));
      const local = path.join(scratch, `e2e-${i}.mp4`);
      const got = await d.deps.store.get(r.objectKey!, local);
      assert.equal(got.sha256, r.sha256);
      assert.equal((await frameHashes(local, bins)).length, want[i]);
      assert.equal((r.integrity as { storeOps: { put: number } }).storeOps.put, 1, 'one PUT per exported file');
    }
    // Asking again returns the same rows and sends no new job.
    const again = await requestVideoExport(d.deps, videoId, 'exact', 'all');
    assert.deepEqual(again.map((r) => r.id), rows.map((r) => r.id));
    assert.ok(again.every((r) => r.state === 'done'));
    const [first] = await clipIds();
    const row = await getExport(d.deps.db, rows[0]!.id);
    assert.equal(row?.exportKey, exportKeyOf(first!, 'exact', row!.startFrame, row!.endFrame));
  });

  test('--state approved exports only approved clips; nothing approved is a bad request', async () => {
    await assert.rejects(requestVideoExport(d.deps, videoId, 'copy', 'approved'), (e) => isExportError(e, 'bad_request'));
    const ids = await clipIds();
    await d.deps.db.query(`UPDATE heaters.clips SET review_state = 'approved' WHERE id = $1`, [ids[1]]);
    const rows = await requestVideoExport(d.deps, videoId, 'copy', 'approved');
    assert.deepEqual(rows.map((r) => r.clipId), [ids[1]]);
    const [r] = await waitExports(d.deps.db, rows.map((x) => x.id), { timeoutMs: 60_000, intervalMs: 50 });
    assert.equal(r!.state, 'done', `${r!.errorCode}: ${r!.errorMessage}`);
    assert.equal(r!.reencodedFrames, 0);
    assert.ok(r!.frames! >= 40 + r!.extraLeadingFrames!);
    const tl = await loadTimeline(d.deps.db, videoId, 'approved');
    assert.deepEqual(tl.clips.map((c) => c.id), [ids[1]]);
    assert.equal(tl.rate.nominal, 25);
  });

  test('master mode on a video without a master: the master is made on demand, stored, then cut losslessly', async () => {
    assert.equal((await listArtefacts(d.deps.db, videoId)).some((a) => a.kind === 'master'), false);
    const [, , third] = await clipIds();
    const row = await requestClipExport(d.deps, third!, 'master');
    const [r] = await waitExports(d.deps.db, [row.id], { timeoutMs: 120_000, intervalMs: 50 });
    assert.equal(r!.state, 'done', `${r!.errorCode}: ${r!.errorMessage}`);
    assert.equal(r!.masterHydrated, 'made');
    assert.equal(r!.method, 'ffv1');
    assert.equal(r!.frames, 60);
    assert.ok(r!.storeUri!.endsWith('.mkv'));
    const m = (await listArtefacts(d.deps.db, videoId)).find((a) => a.kind === 'master');
    assert.ok(m, 'the master is recorded for the next export');
    // The exact export of this clip exists already (idempotent): asked again, it is returned as it is.
    const ex = await requestClipExport(d.deps, third!, 'exact');
    assert.equal(ex.state, 'done');
    assert.equal(ex.source, 'proxy');
    // Without it, exact now takes the stored master (one GET, then a whole re-encode of the clip from it).
    await d.deps.db.query(`DELETE FROM heaters.exports WHERE id = $1`, [ex.id]);
    const fromMaster = await requestClipExport(d.deps, third!, 'exact');
    const [fm] = await waitExports(d.deps.db, [fromMaster.id], { timeoutMs: 120_000, intervalMs: 50 });
    assert.equal(fm!.state, 'done', `${fm!.errorCode}: ${fm!.errorMessage}`);
    assert.equal(fm!.source, 'master');
    assert.equal(fm!.masterHydrated, 'stored');
    assert.equal(fm!.method, 'reencode');
    assert.equal(fm!.frames, 60);
    assert.equal((await listExports(d.deps.db, videoId)).length, 5);
  });

  test('CLI: export clip --wait --json --out, export timeline --format, bad input exits 2', async () => {
    const env = { ...process.env, DATABASE_URL: pg.url, STORAGE_URL: d.deps.cfg.storage.url, HEATERS_DATA_DIR: d.dataDir, LOG_LEVEL: 'silent', HEATERS_HTTP_PORT: '0' };
    const cli = (args: string[]) => execa(process.execPath, [path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), ...args], { env, reject: false, cwd: REPO_ROOT, timeout: 120_000 });
    const [firstClip] = await clipIds();
    const dest = path.join(scratch, 'cli', 'clip.mp4');
    // Three separate processes, side by side (each pays Node's start-up).
    const [r, edl, missing] = await Promise.all([
      cli(['export', 'clip', firstClip!, '--mode', 'copy', '--wait', '--json', '--out', dest]),
      cli(['export', 'timeline', videoId, '--format', 'edl', '--state', 'all']),
      cli(['export', 'clip', '00000000-0000-4000-8000-000000000000', '--mode', 'copy']),
    ]);
    assert.equal(r.exitCode, 0, r.stderr.slice(-2000));
    const j = JSON.parse(r.stdout);
    for (const k of ['storeUri', 'frames', 'extraLeadingFrames', 'reencodedFrames']) assert.ok(k in j, k);
    assert.equal(j.state, 'done');
    assert.equal(j.reencodedFrames, 0);
    assert.equal((await frameHashes(dest, bins)).length, j.frames, '--out wrote the exported file');

    assert.equal(edl.exitCode, 0, edl.stderr);
    assert.equal([...edl.stdout.matchAll(/^\d{3}  AX/gm)].length, 3);
    assert.match(edl.stdout, /FCM: NON-DROP FRAME/);
    assert.match(edl.stdout, /^001 .* 00:00:00:00 00:00:02:00 01:00:00:00 01:00:02:00$/m);
    assert.equal(missing.exitCode, 2, 'an unknown clip is bad input');
    assert.match(missing.stderr, /clip_not_found/);
  });

  test('HTTP API on the daemon\'s listener: export a clip, read it back, edit lists by format; bad requests are typed', async () => {
    const call = async (method: string, url: string, body?: unknown) => {
      const r = await fetch(`${d.url}${url}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
      return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
    };
    const [, second] = await clipIds();
    const post = await call('POST', `/api/clips/${second}/export`, { mode: 'exact' });
    assert.equal(post.status, 202, post.text);
    const id = JSON.parse(post.text).export.id as string;
    await waitExports(d.deps.db, [id], { timeoutMs: 60_000, intervalMs: 50 });
    const got = JSON.parse((await call('GET', `/api/exports/${id}`)).text);
    assert.equal(got.export.state, 'done');
    assert.equal(got.export.frames, 40);
    const otio = await call('GET', `/api/videos/${videoId}/timeline?format=otio`);
    assert.equal(otio.status, 200);
    assert.match(otio.type, /json/);
    assert.equal(JSON.parse(otio.text).tracks.children[0].children.length, 1, 'approved clips by default');
    const fcp = await call('GET', `/api/videos/${videoId}/timeline?format=fcpxml&state=all`);
    assert.equal(parseXml(fcp.text).name, 'fcpxml');
    assert.equal((await call('GET', `/api/videos/${videoId}/timeline?format=aaf`)).status, 400);
    assert.equal((await call('POST', `/api/clips/${second}/export`, { mode: 'lossy' })).status, 400);
    const none = await call('POST', '/api/clips/00000000-0000-4000-8000-000000000000/export', { mode: 'copy' });
    assert.equal(none.status, 404);
    assert.equal(JSON.parse(none.text).error, 'clip_not_found');
    assert.equal(JSON.parse((await call('GET', `/api/videos/${videoId}/exports`)).text).exports.length, 6);
    const doc = JSON.parse((await call('GET', '/openapi.json')).text);
    assert.ok(doc.paths['/api/clips/{clipId}/export'], 'in the OpenAPI document');
  });

  test('review page: the Export button (E) exports the shown clip and says where it went', { skip: !existsSync(CHROMIUM) && 'no /usr/bin/chromium' }, async () => {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'heaters-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${d.url}/review?reviewer=exporter`);
      await page.waitForFunction(() => document.body.dataset.clipId !== '');
      const clipId = await page.evaluate(() => document.body.dataset.clipId!);
      assert.ok(await page.isVisible('#toolbar button:has-text("Export")'), 'the button is on the toolbar');
      await page.keyboard.press('e');
      await page.waitForFunction(() => /exported \d+ frames|failed/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 120_000 });
      const status = await page.textContent('#status');
      assert.match(status ?? '', /exported \d+ frames \(\d+ re-encoded, (smart|reencode)\) → file:\/\//);
      const { rows } = await d.deps.db.query(`SELECT state FROM heaters.exports WHERE clip_id = $1 AND mode = 'exact'`, [clipId]);
      assert.deepEqual(rows.map((r) => r.state), ['done']);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  test('a group: one file per run of adjacent clips, spanning the run; groups in the edit lists', async () => {
    const [a, b, c] = await clipIds();
    const g = '7e0c3f5a-0000-4000-8000-00000000000a';
    const h = '7e0c3f5a-0000-4000-8000-00000000000b';
    await d.deps.db.query(`UPDATE heaters.clips SET group_id = $1 WHERE id = ANY($2)`, [g, [b, c]]);
    const rows = await requestGroupExport(d.deps, g, 'exact');
    assert.equal(rows.length, 1, 'clips 2 and 3 are adjacent: one file');
    const [r] = await waitExports(d.deps.db, rows.map((x) => x.id), { timeoutMs: 60_000, intervalMs: 50 });
    assert.equal(r!.state, 'done', `${r!.errorCode}: ${r!.errorMessage}`);
    assert.deepEqual([r!.startFrame, r!.endFrame, r!.frames], [50, 150, 100]);
    assert.equal(r!.clipId, b, 'named by its first clip');
    await d.deps.db.query(`UPDATE heaters.clips SET group_id = $1 WHERE id = ANY($2)`, [h, [a, c]]);
    const split = await requestGroupExport(d.deps, h, 'copy');
    assert.deepEqual(split.map((x) => [x.startFrame, x.endFrame]), [[0, 50], [90, 150]], 'not adjacent: one file each');
    await waitExports(d.deps.db, split.map((x) => x.id), { timeoutMs: 60_000, intervalMs: 50 });
    const tl = await loadTimeline(d.deps.db, videoId, 'all');
    assert.equal(tl.groupsAvailable, true);
    assert.deepEqual(tl.clips.map((x) => x.group), [h, g, h]);
    assert.match(renderTimeline('edl', tl), new RegExp(`group=${g}`));
    await assert.rejects(requestGroupExport(d.deps, '7e0c3f5a-0000-4000-8000-0000000000ff', 'copy'), (e) => isExportError(e, 'bad_request'));
  });
});

describe('restore of archived masters', () => {
  // No S3 here and s3rver has no archive classes: a loopback server answers HeadObject and
  // RestoreObject as S3 documents them (x-amz-storage-class, x-amz-restore), for the real S3 client.
  test('GLACIER master: RestoreObject once, pending while it runs, readable when done', async () => {
    let restore: string | undefined;
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.method === 'HEAD') {
        res.writeHead(200, { 'x-amz-storage-class': 'GLACIER', 'content-length': '10', ...(restore ? { 'x-amz-restore': restore } : {}) });
        return res.end();
      }
      if (req.method === 'POST' && req.url?.includes('restore')) {
        restore = 'ongoing-request="true"';
        res.writeHead(202);
        return res.end();
      }
      res.writeHead(400);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const store = new S3Store({
      bucket: 'media', prefix: 'heaters', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'x'.repeat(40) }, logger: testLogger(),
    });
    try {
      await assert.rejects(ensureRestored(store, 'videos/v/master.mkv', 3), (e) => isExportError(e, 'restore_pending') && e.retryable);
      assert.deepEqual(seen, ['HEAD /media/heaters/videos/v/master.mkv', 'POST /media/heaters/videos/v/master.mkv?restore=']);
      await assert.rejects(ensureRestored(store, 'videos/v/master.mkv', 3), (e) => isExportError(e, 'restore_pending'));
      assert.equal(seen.length, 3, 'no second RestoreObject while one runs');
      restore = 'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"';
      await ensureRestored(store, 'videos/v/master.mkv', 3);
      assert.equal(seen.length, 4);
    } finally {
      store.client.destroy();
      server.close();
    }
  });

  test('HEAD StorageClass / Restore header → readable, ongoing or absent', () => {
    assert.equal(restoreState('GLACIER_IR', undefined), 'readable', 'GLACIER_IR needs no restore');
    assert.equal(restoreState(undefined, undefined), 'readable');
    assert.equal(restoreState('GLACIER', undefined), 'absent');
    assert.equal(restoreState('DEEP_ARCHIVE', 'ongoing-request="true"'), 'ongoing');
    assert.equal(restoreState('GLACIER', 'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"'), 'readable');
  });
});

