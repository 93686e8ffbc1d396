// The set of small files a media server hands the downloader (progressive MP4, WebM, DASH, audio
// only, and files that are not videos), generated once with ffmpeg and cached under
// .cache/media/served-<key>/, where <key> hashes the generator parameters: change a parameter and a
// fresh set is built. The directory is laid out to be served as-is by startMediaServer(root); each
// sample carries both its local path and its URL path on that server.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { lavfi, tone } from '../../../src/media/sources.ts';
import { buildOnce } from '../../../src/util/build-once.ts';
import { resolveFfmpeg } from '../../../src/media/index.ts';
import { hashKey, MEDIA_CACHE } from './cache.ts';

export interface SampleFile {
  /** Absolute local path. */
  path: string;
  /** Path on the media server, e.g. '/progressive.mp4'. */
  urlPath: string;
  bytes: number;
}

export interface SampleMedia {
  /** Directory to hand to startMediaServer(). */
  root: string;
  /** H.264 + AAC, progressive (faststart) MP4. */
  mp4: SampleFile;
  /** VP9 + Opus WebM. */
  webm: SampleFile;
  /** DASH manifest with separate video (2 qualities) and audio adaptation sets: needs a merge. */
  dash: SampleFile & { dir: string; bestVideo: { width: number; height: number } };
  /** AAC audio only, .m4a. */
  m4a: SampleFile;
  /** 0-byte file named .mp4. */
  empty: SampleFile;
  /** An HTML page that links to no media. */
  html: SampleFile;
  /** A plain text file. */
  text: SampleFile;
  /** The first half of mp4 (valid header, missing the tail). */
  truncatedMp4: SampleFile;
  /** Generator parameters, for tests that assert on them. */
  params: typeof PARAMS;
}

const PARAMS = {
  version: 1,
  width: 320,
  height: 180,
  lowWidth: 160,
  lowHeight: 90,
  fps: 25,
  seconds: 3,
  sampleRate: 48000,
} as const;

const NAMES = {
  mp4: 'progressive.mp4',
  webm: 'vp9-opus.webm',
  dash: 'dash/manifest.mpd',
  m4a: 'audio.m4a',
  empty: 'empty.mp4',
  html: 'page.html',
  text: 'notes.txt',
  truncatedMp4: 'truncated.mp4',
} as const;

const HTML_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>No video here</title></head>
<body><h1>Heaters test page</h1><p>This page has text and a <a href="/notes.txt">link</a>, but no media.</p></body></html>
`;
const TEXT_FILE = 'These are plain text notes, not a video.\n'.repeat(20);

let pending: Promise<SampleMedia> | undefined;

/** Build (or reuse from the cache) the sample set. Safe to call from many tests: builds once per key. */
export function ensureSampleMedia(): Promise<SampleMedia> {
  pending ??= build();
  return pending;
}

async function build(): Promise<SampleMedia> {
  const root = path.join(MEDIA_CACHE, `served-${hashKey({ PARAMS, NAMES, HTML_PAGE, TEXT_FILE })}`);
  await buildOnce(root, async (tmp) => generate((await resolveFfmpeg()).ffmpeg, tmp), { dir: true });
  const file = async (name: string): Promise<SampleFile> => {
    const p = path.join(root, name);
    return { path: p, urlPath: `/${name}`, bytes: (await stat(p)).size };
  };
  return {
    root,
    mp4: await file(NAMES.mp4),
    webm: await file(NAMES.webm),
    dash: { ...(await file(NAMES.dash)), dir: path.join(root, 'dash'), bestVideo: { width: PARAMS.width, height: PARAMS.height } },
    m4a: await file(NAMES.m4a),
    empty: await file(NAMES.empty),
    html: await file(NAMES.html),
    text: await file(NAMES.text),
    truncatedMp4: await file(NAMES.truncatedMp4),
    params: PARAMS,
  };
}

async function generate(ffmpeg: string, dir: string): Promise<void> {
  const { fps, seconds } = PARAMS;
  await mkdir(path.join(dir, 'dash'));
  const video = ['-f', 'lavfi', '-i', `${lavfi.testsrc2(PARAMS)}:duration=${seconds}`];
  const audio = ['-f', 'lavfi', '-i', tone(seconds)];
  // bitexact + no metadata: same bytes on every run with the same ffmpeg build.
  const global = ['-hide_banner', '-loglevel', 'error', '-y'];
  const exact = ['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact'];
  const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', String(fps), '-threads', '1'];
  const aac = ['-c:a', 'aac', '-b:a', '64k'];
  // Output options go after the inputs; `exact` is spliced in just before the output path.
  const run = (args: string[]) => execa(ffmpeg, [...global, ...args.slice(0, -1), ...exact, ...args.slice(-1)]);

  await Promise.all([
    run([...video, ...audio, '-map', '0:v', '-map', '1:a', ...x264, ...aac, '-movflags', '+faststart', path.join(dir, NAMES.mp4)]),
    run([
      ...video, ...audio, '-map', '0:v', '-map', '1:a',
      '-c:v', 'libvpx-vp9', '-b:v', '200k', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1',
      '-c:a', 'libopus', '-b:a', '48k', path.join(dir, NAMES.webm),
    ]),
  ]);
  await Promise.all([
    run([...audio, '-map', '0:a', ...aac, path.join(dir, NAMES.m4a)]),
    run([
      ...video, ...audio, '-map', '0:v', '-map', '0:v', '-map', '1:a', ...x264, ...aac,
      '-s:v:1', `${PARAMS.lowWidth}x${PARAMS.lowHeight}`, '-b:v:0', '300k', '-b:v:1', '80k',
      '-f', 'dash', '-adaptation_sets', 'id=0,streams=v id=1,streams=a',
      '-use_template', '1', '-use_timeline', '1', '-seg_duration', '1',
      path.join(dir, NAMES.dash),
    ]),
  ]);
  const mp4 = await readFile(path.join(dir, NAMES.mp4));
  await Promise.all([
    writeFile(path.join(dir, NAMES.truncatedMp4), mp4.subarray(0, Math.floor(mp4.length / 2))),
    writeFile(path.join(dir, NAMES.empty), ''),
    writeFile(path.join(dir, NAMES.html), HTML_PAGE),
    writeFile(path.join(dir, NAMES.text), TEXT_FILE),
  ]);
}
