// The `download` op end to end: real Python worker (through the pool), real yt-dlp, real ffmpeg
// merge, against a loopback media server. One worker serves every case, so each failure also proves
// the worker survives it (same pid answers the next ping).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { z } from 'zod';
import { DownloadError, runDownload } from '../src/download/index.ts';
import type { DownloadArgs, DownloadErrorCode, DownloadProgress, DownloadResult } from '../src/download/index.ts';
import { createLogger } from '../src/log/index.ts';
import { PythonPool } from '../src/pool/index.ts';
import { startMediaServer } from './helpers/media-server.ts';
import type { MediaServer } from './helpers/media-server.ts';
import { ensureSampleMedia, type SampleMedia } from './helpers/media/index.ts';

const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';
const MB = 1024 * 1024;

let media: SampleMedia;
let server: MediaServer;
let pool: PythonPool;
let workerPid: number;
let tmpRoot: string;
let seq = 0;

before(async () => {
  tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'heaters-download-test-'));
  media = await ensureSampleMedia();
  server = await startMediaServer(media.root);
  // One worker: every case runs in the same process, so a failure that hurt it would show up next.
  pool = await PythonPool.start({
    name: 'download-test',
    python: process.env.HEATERS_PYTHON ?? '/usr/bin/python3',
    min: 1,
    max: 1,
    maxTasks: 10_000,
    logger: createLogger({ level: 'error' }),
  });
  workerPid = await pingPid();
});

after(async () => {
  await pool?.drain();
  await server?.stop();
  if (tmpRoot) await rm(tmpRoot, { recursive: true, force: true });
});

async function pingPid(): Promise<number> {
  const r = z.object({ pid: z.number().int() }).parse(await pool.run('ping', {}));
  return r.pid;
}

async function freshDir(): Promise<string> {
  const dir = path.join(tmpRoot, `dest-${++seq}`);
  await mkdir(dir);
  return dir;
}

interface Outcome {
  result: DownloadResult;
  progress: DownloadProgress[];
  dest: string;
}

async function download(url: string, extra: Partial<DownloadArgs> = {}): Promise<Outcome> {
  const dest = extra.dest_dir ?? (await freshDir());
  const progress: DownloadProgress[] = [];
  const result = await runDownload(
    pool,
    // The test server is on loopback: allowed here, refused by default (see the SSRF test).
    { url, dest_dir: dest, max_bytes: 64 * MB, timeout_s: 30, allow_private: true, ...extra },
    { onProgress: (p) => progress.push(p) },
  );
  return { result, progress, dest };
}

/** Expect a typed failure, that dest holds nothing of ours afterwards, and that the worker lives on. */
async function expectFailure(url: string, code: DownloadErrorCode, extra: Partial<DownloadArgs> = {}): Promise<DownloadError> {
  const dest = await freshDir();
  let caught: unknown;
  try {
    const r = await download(url, { dest_dir: dest, ...extra });
    assert.fail(`expected ${code}, got a result: ${JSON.stringify(r.result)}`);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DownloadError, `expected DownloadError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.deepEqual(await readdir(dest), [], 'no partial or leftover file in dest_dir');
  assert.equal(await pingPid(), workerPid, 'the same worker serves the next request');
  return caught;
}

const sha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');

async function probeStreams(file: string) {
  const { stdout } = await execa(FFPROBE, ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', file]);
  return z
    .object({ streams: z.array(z.object({ codec_type: z.string(), codec_name: z.string(), width: z.number().optional(), height: z.number().optional() })) })
    .parse(JSON.parse(stdout)).streams;
}

describe('download over HTTP', () => {
  test('progressive MP4: the exact bytes land in dest_dir as source.mp4', async () => {
    const { result, progress, dest } = await download(server.url(media.mp4.urlPath));
    assert.equal(result.path, path.join(dest, 'source.mp4'));
    assert.equal(result.ext, 'mp4');
    assert.equal(result.bytes, media.mp4.bytes);
    assert.equal(result.extractor, 'Generic');
    assert.equal(await sha(result.path), await sha(media.mp4.path));
    assert.deepEqual(await readdir(dest), ['source.mp4'], 'no .part or temp files left');
    const last = progress.at(-1);
    assert.ok(last, 'at least a final progress report');
    assert.equal(last.percent, 100);
    assert.equal(last.downloaded_bytes, media.mp4.bytes);
  });

  test('DASH with separate video and audio sets: best video + audio are merged into one file', async () => {
    const before = server.requests.length;
    const { result, dest } = await download(server.url(media.dash.urlPath));
    assert.match(result.format_id ?? '', /\+/, 'a merged format id (video+audio)');
    assert.deepEqual(await readdir(dest), [path.basename(result.path)], 'part files removed after the merge');
    const streams = await probeStreams(result.path);
    const v = streams.find((s) => s.codec_type === 'video');
    assert.ok(v, 'merged file has a video stream');
    assert.ok(streams.some((s) => s.codec_type === 'audio'), 'merged file has an audio stream');
    assert.equal(v.width, media.dash.bestVideo.width, 'the best video representation was chosen');
    assert.equal(v.height, media.dash.bestVideo.height);
    const fetched = server.requests.slice(before).map((r) => r.path);
    assert.ok(fetched.some((p) => p.includes('chunk-stream0-')), 'fetched the 320x180 video segments');
    assert.ok(fetched.some((p) => p.includes('chunk-stream2-')), 'fetched the audio segments');
    assert.ok(!fetched.some((p) => p.includes('chunk-stream1-')), 'did not fetch the lower video quality');
  });

  test('VP9/Opus WebM keeps its container', async () => {
    const { result } = await download(server.url(media.webm.urlPath));
    assert.equal(result.ext, 'webm');
    assert.equal(result.bytes, media.webm.bytes);
    assert.equal(await sha(result.path), await sha(media.webm.path));
  });

  test('audio-only m4a downloads (yt-dlp marks it vcodec "none"; the pipeline decides)', async () => {
    const { result } = await download(server.url(media.m4a.urlPath));
    assert.equal(result.ext, 'm4a');
    assert.equal(result.vcodec, 'none');
    assert.equal(result.bytes, media.m4a.bytes);
  });

  test('a truncated MP4 is downloaded as-is (its header is media; ffprobe judges it later)', async () => {
    const { result } = await download(server.url(media.truncatedMp4.urlPath));
    assert.equal(result.bytes, media.truncatedMp4.bytes);
  });

  test('progress reports arrive while downloading, with growing byte counts, then a final 100%', async () => {
    const { result, progress } = await download(server.url(`/__/slow${media.mp4.urlPath}`));
    assert.equal(result.bytes, media.mp4.bytes);
    const partial = progress.filter((p) => p.downloaded_bytes < media.mp4.bytes);
    assert.ok(partial.length >= 2, `expected >= 2 mid-download reports, got ${JSON.stringify(progress)}`);
    for (let i = 1; i < progress.length; i++) {
      assert.ok(progress[i]!.downloaded_bytes >= progress[i - 1]!.downloaded_bytes, 'downloaded_bytes never shrinks');
    }
    assert.ok(partial[1]!.downloaded_bytes > partial[0]!.downloaded_bytes, 'downloaded_bytes grows');
    const mid = partial[1]!;
    assert.equal(mid.total_bytes, media.mp4.bytes, 'Content-Length known: total_bytes reported');
    assert.ok(mid.percent !== null && mid.percent > 0 && mid.percent < 100, `mid-download percent, got ${mid.percent}`);
    assert.deepEqual(
      { percent: progress.at(-1)!.percent, downloaded: progress.at(-1)!.downloaded_bytes },
      { percent: 100, downloaded: media.mp4.bytes },
    );
  });

  test('a second run into the same dest_dir replaces the first result', async () => {
    const first = await download(server.url(media.webm.urlPath));
    const second = await download(server.url(media.mp4.urlPath), { dest_dir: first.dest });
    assert.deepEqual(await readdir(first.dest), ['source.mp4']);
    assert.equal(second.result.bytes, media.mp4.bytes);
  });
});

describe('download from local files', () => {
  test('absolute path: linked or copied as source.<ext>, no network', async () => {
    const before = server.requests.length;
    const { result, dest } = await download(media.mp4.path);
    assert.equal(result.path, path.join(dest, 'source.mp4'));
    assert.equal(result.extractor, 'local');
    assert.equal(result.bytes, media.mp4.bytes);
    assert.equal(await sha(result.path), await sha(media.mp4.path));
    assert.equal(server.requests.length, before);
  });

  test('file:// URL, percent-encoded path with a space', async () => {
    const src = path.join(tmpRoot, 'my clip.webm');
    await copyFile(media.webm.path, src);
    const { result } = await download(pathToFileURL(src).href);
    assert.equal(result.ext, 'webm');
    assert.equal(await sha(result.path), await sha(src));
    assert.equal(result.webpage_url, pathToFileURL(src).href);
  });

  test('missing file → not_found', async () => {
    await expectFailure(path.join(tmpRoot, 'does-not-exist.mp4'), 'not_found');
    await expectFailure(pathToFileURL(path.join(tmpRoot, 'nope.mp4')).href, 'not_found');
  });

  test('local file over max_bytes → too_large', async () => {
    await expectFailure(media.mp4.path, 'too_large', { max_bytes: 1000 });
  });

  test('local plain text → not_a_video', async () => {
    await expectFailure(media.text.path, 'not_a_video');
  });

  test('local_roots: files inside an allowed root pass; outside (also through a symlink) → forbidden_path', async () => {
    const inside = path.join(tmpRoot, 'inbox');
    await mkdir(inside, { recursive: true });
    await copyFile(media.mp4.path, path.join(inside, 'ok.mp4'));
    const { result } = await download(path.join(inside, 'ok.mp4'), { local_roots: [inside] });
    assert.equal(result.bytes, media.mp4.bytes);
    await expectFailure(media.mp4.path, 'forbidden_path', { local_roots: [inside] });
    await symlink(media.mp4.path, path.join(inside, 'escape.mp4'));
    await expectFailure(path.join(inside, 'escape.mp4'), 'forbidden_path', { local_roots: [inside] });
    await expectFailure(pathToFileURL(media.mp4.path).href, 'forbidden_path', { local_roots: [] });
  });
});

describe('non-public addresses (SSRF guard)', () => {
  test('loopback, private and link-local hosts are refused before any request is sent → forbidden_url', async () => {
    const before = server.requests.length;
    const e = await expectFailure(server.url(media.mp4.urlPath), 'forbidden_url', { allow_private: false });
    assert.match(e.message, /non-public address/);
    assert.equal(server.requests.length, before, 'nothing reached the server');
    for (const host of ['http://10.1.2.3/x.mp4', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/x.mp4', 'http://localhost:9/x.mp4']) {
      await expectFailure(host, 'forbidden_url', { allow_private: false });
    }
  });
});

describe('download failures', () => {
  test('404 / 403 / 500 → http_error with the status, and no query string or credentials echoed', async () => {
    const e404 = await expectFailure(server.url('/missing.mp4?token=s3cr3t-t0ken').replace('http://', 'http://bob:hunter2@'), 'http_error');
    assert.match(e404.message, /404/);
    for (const secret of ['s3cr3t-t0ken', 'hunter2', 'bob']) assert.ok(!e404.message.includes(secret), e404.message);
    assert.match((await expectFailure(server.url('/__/status/403/x.mp4'), 'http_error')).message, /403/);
    assert.match((await expectFailure(server.url('/__/status/500/x.mp4'), 'http_error')).message, /500/);
  });

  test('HTML page without media → unsupported_url', async () => {
    await expectFailure(server.url(media.html.urlPath), 'unsupported_url');
  });

  test('plain text → not_a_video (yt-dlp downloads it as a "direct link"; the op sniffs it)', async () => {
    await expectFailure(server.url(media.text.urlPath), 'not_a_video');
  });

  test('empty body served as video/mp4 → not_a_video', async () => {
    await expectFailure(server.url(media.empty.urlPath), 'not_a_video');
  });

  test('non-http(s) schemes → unsupported_url without any request reaching the server', async () => {
    const before = server.requests.length;
    const hostPort = new URL(server.origin).host;
    for (const url of [
      `ftp://${hostPort}${media.mp4.urlPath}`,
      'javascript:alert(document.cookie)',
      'data:video/mp4;base64,AAAA',
      'mailto:someone@example.com',
      'progressive.mp4',
    ]) {
      await expectFailure(url, 'unsupported_url');
    }
    assert.equal(server.requests.length, before, 'no request reached the server');
  });

  test('over max_bytes → too_large, no partial file: known size, unknown size (chunked), DASH', async () => {
    const limit = Math.floor(media.mp4.bytes / 3);
    await expectFailure(server.url(media.mp4.urlPath), 'too_large', { max_bytes: limit });
    const chunked = await expectFailure(server.url(`/__/chunked${media.mp4.urlPath}`), 'too_large', { max_bytes: limit });
    assert.match(chunked.message, /exceeds max_bytes/);
    await expectFailure(server.url(media.dash.urlPath), 'too_large', { max_bytes: limit });
  });

  test('a stalled server → timeout within the limit', async () => {
    const timeout_s = 2;
    const t0 = performance.now();
    await expectFailure(server.url('/__/stall/video.mp4'), 'timeout', { timeout_s });
    const elapsed = (performance.now() - t0) / 1000;
    assert.ok(elapsed >= timeout_s * 0.9, `gave up early: ${elapsed.toFixed(2)}s`);
    assert.ok(elapsed < timeout_s + 2, `took ${elapsed.toFixed(2)}s for a ${timeout_s}s limit`);
    assert.ok(server.requests.some((r) => r.path === '/__/stall/video.mp4'), 'the stalled route was hit');
  });

  test('connection refused → network', async () => {
    const port = await closedPort();
    const err = await expectFailure(`http://127.0.0.1:${port}/video.mp4`, 'network');
    assert.match(err.message, /127\.0\.0\.1/);
  });

  test('the ffmpeg argument reaches yt-dlp: a bogus one makes a merge fail, a real one works', async () => {
    const err = await expectFailure(server.url(media.dash.urlPath), 'download_failed', { ffmpeg: '/nonexistent/ffmpeg' });
    assert.match(err.message, /ffmpeg/);
    const ffmpeg = process.env.FFMPEG_PATH ?? (await execa('which', ['ffmpeg'])).stdout.trim();
    const { result } = await download(server.url(media.dash.urlPath), { ffmpeg });
    assert.match(result.format_id ?? '', /\+/);
  });

  test('invalid args are rejected by the schema before anything is sent', async () => {
    const before = server.requests.length;
    await assert.rejects(
      runDownload(pool, { url: server.url(media.mp4.urlPath), dest_dir: 'relative/dir', max_bytes: MB, timeout_s: 5 }),
      (err: Error) => err.name === 'ZodError',
    );
    await assert.rejects(
      runDownload(pool, { url: server.url(media.mp4.urlPath), dest_dir: tmpRoot, max_bytes: -1, timeout_s: 5 }),
      (err: Error) => err.name === 'ZodError',
    );
    assert.equal(server.requests.length, before);
  });

  test('after all those failures the same worker still downloads', async () => {
    const { result } = await download(server.url(media.mp4.urlPath));
    assert.equal(result.bytes, media.mp4.bytes);
    assert.equal(await pingPid(), workerPid);
    const stats = pool.stats();
    assert.equal(stats.spawned, 1, 'no worker was replaced');
    assert.equal(stats.crashed, 0);
  });
});

/** A loopback port that nothing listens on: bind an ephemeral one, then release it. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
