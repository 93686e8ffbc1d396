// The media core of export: one clip [startFrame, endFrame) of a source file → one local file.
//   copy   stream copy from the latest keyframe at or before the start: no re-encode, some extra
//          leading frames (reported), and with B-frames possibly a few trailing ones (reported);
//   exact  frame-accurate. From an H.264 proxy a smart cut: re-encode only the head (start → next
//          keyframe) and the tail (last keyframe before the end → end, when the end is not a
//          keyframe), stream-copy the GOPs between; segments are joined as MPEG-TS (in-band
//          parameter sets, so the re-encoded head and the copied GOPs may differ in SPS/PPS) and
//          remuxed to MP4. Otherwise (no keyframe inside the clip, another codec, a master) the
//          clip is re-encoded whole;
//   master a lossless FFV1/FLAC Matroska clip from the master (decoded frames identical to it).
// Audio is cut separately and re-encoded from the clip's exact start, so it never drifts.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FfmpegBins, Probe } from '../media/index.ts';
import { probe } from '../media/index.ts';
import { ExportError } from './errors.ts';
import { runFfmpeg } from './ffmpeg.ts';
import { frameIndex, keyframeAtOrAfter, keyframeAtOrBefore, seekTimeOf, type FrameIndex } from './frames.ts';

export const EXPORT_MODES = ['copy', 'exact', 'master'] as const;
export type ExportMode = (typeof EXPORT_MODES)[number];
export type CutMethod = 'copy' | 'smart' | 'reencode' | 'ffv1';

export type CutRequest = {
  mode: ExportMode;
  src: string;
  /** What src is: the H.264 proxy or the FFV1 master. */
  srcKind: 'proxy' | 'master';
  dst: string;
  startFrame: number;
  /** Exclusive. */
  endFrame: number;
  bins: Pick<FfmpegBins, 'ffmpeg' | 'ffprobe'>;
  /** Directory for temporary segments (removed afterwards). */
  tmpDir: string;
  /** Force a whole re-encode for `exact` (the fallback, and the benchmark's baseline). */
  forceReencode?: boolean;
  signal?: AbortSignal | undefined;
  /** 0..100 */
  onProgress?: ((percent: number) => void) | undefined;
  /** Reuse an index already read. */
  index?: FrameIndex;
};

export type CutResult = {
  path: string;
  mode: ExportMode;
  method: CutMethod;
  source: 'proxy' | 'master';
  /** Frames in the file. */
  frames: number;
  /** Frames before the clip's first frame (copy only). */
  extraLeadingFrames: number;
  /** Frames after the clip's last frame (copy with B-frames only). */
  extraTrailingFrames: number;
  /** Video frames decoded and encoded again (0 for a pure copy). */
  reencodedFrames: number;
  /** The source frame the file starts with. */
  firstSourceFrame: number;
  /** For a smart cut: the copied span [from, to) in source frames. */
  copiedSpan?: [number, number];
  container: 'mp4' | 'matroska';
  contentType: string;
  wallMs: number;
};

export const EXTENSION: Record<ExportMode, string> = { copy: 'mp4', exact: 'mp4', master: 'mkv' };

const X264 = ['-fps_mode', 'passthrough', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', '-profile:v', 'high', '-pix_fmt', 'yuv420p'];

/** Cut one clip. Writes `${dst}.part` first and renames, so a crash never leaves a plausible file. */
export async function cutClip(req: CutRequest): Promise<CutResult> {
  const started = performance.now();
  const index = req.index ?? (await frameIndex(req.src, req.bins));
  const total = index.pts.length;
  const S = req.startFrame;
  const E = Math.min(req.endFrame, total);
  if (!(S >= 0 && E > S)) throw new ExportError('bad_request', `empty or invalid clip range [${req.startFrame}, ${req.endFrame}) of ${total} frames`);
  if (req.mode === 'master' && req.srcKind !== 'master') throw new ExportError('no_source', 'master mode needs the master');
  const srcProbe = await probe(req.src, req.bins);
  await mkdir(req.tmpDir, { recursive: true });
  await mkdir(path.dirname(req.dst), { recursive: true });
  const part = `${req.dst}.part`;
  const ctx: Ctx = { req, index, probe: srcProbe, S, E, part };
  try {
    let out: Omit<CutResult, 'path' | 'mode' | 'source' | 'wallMs'>;
    if (req.mode === 'copy') out = await copyCut(ctx);
    else if (req.mode === 'master') out = await ffv1Cut(ctx);
    else if (req.srcKind === 'proxy' && index.codec === 'h264' && !req.forceReencode) out = await smartCut(ctx);
    else out = await reencodeCut(ctx);
    await rename(part, req.dst);
    req.onProgress?.(100);
    return { ...out, path: req.dst, mode: req.mode, source: req.srcKind, wallMs: Math.round(performance.now() - started) };
  } finally {
    await rm(part, { force: true });
  }
}

type Ctx = { req: CutRequest; index: FrameIndex; probe: Probe; S: number; E: number; part: string };

const t6 = (t: number) => t.toFixed(6);
/** Input seek to an absolute timestamp of the file (not offset by its start time). */
const seekTo = (t: number) => ['-seek_timestamp', '1', '-ss', t6(t)];

/** Seek time for a stream copy that starts at keyframe k: a little after it, before the next frame. */
function copySeekTime(index: FrameIndex, k: number): number {
  const t = index.pts[k]!;
  const next = index.pts[k + 1];
  return next === undefined ? t + 0.0005 : (t + next) / 2;
}

/** Duration of frames [a, b): from frame a's time to frame b's (or one frame past the last). */
function spanSeconds(index: FrameIndex, a: number, b: number): number {
  const end = index.pts[b] ?? index.pts[b - 1]! + frameDuration(index);
  return end - index.pts[a]!;
}

function frameDuration(index: FrameIndex): number {
  const n = index.pts.length;
  if (n < 2) return 1 / 25;
  return (index.pts[n - 1]! - index.pts[0]!) / (n - 1);
}

/** Audio of the clip, from its exact start, re-encoded (AAC for MP4, FLAC for the master clip). */
function audioInput(c: Ctx): string[] {
  if (!c.probe.audio) return [];
  return [...seekTo(c.index.pts[c.S]!), '-t', t6(spanSeconds(c.index, c.S, c.E)), '-i', c.req.src];
}
const audioMap = (c: Ctx, input: number, codec: string[]) => (c.probe.audio ? ['-map', `${input}:a:0`, ...codec] : ['-an']);
const AAC = ['-c:a', 'aac', '-b:a', '192k'];
const clean = ['-map_metadata', '-1', '-map_chapters', '-1'];

function progressOf(c: Ctx, done: () => number, total: number): (frames: number) => void {
  return (frames) => c.req.onProgress?.(Math.min(99, Math.round(((done() + frames) / Math.max(1, total)) * 1000) / 10));
}

async function copyCut(c: Ctx): Promise<Omit<CutResult, 'path' | 'mode' | 'source' | 'wallMs'>> {
  const K = keyframeAtOrBefore(c.index, c.S);
  if (K === undefined) throw new ExportError('no_keyframes', `no keyframe at or before frame ${c.S}`);
  const args = ['-copyts', ...seekTo(copySeekTime(c.index, K)), '-i', c.req.src, '-map', '0:v:0'];
  if (c.probe.audio) args.push('-map', '0:a:0');
  // -to is on the input timeline (copyts): stop at the clip's end frame.
  if (c.E < c.index.pts.length) args.push('-to', t6(seekTimeOf(c.index, c.E)));
  args.push('-c', 'copy', ...clean, '-avoid_negative_ts', 'make_zero', '-movflags', '+faststart', '-f', 'mp4', c.part);
  await runFfmpeg(args, { bins: c.req.bins, signal: c.req.signal, onFrames: progressOf(c, () => 0, c.E - K) });
  const frames = (await frameIndex(c.part, c.req.bins)).pts.length;
  const lead = c.S - K;
  return {
    method: 'copy',
    frames,
    extraLeadingFrames: lead,
    extraTrailingFrames: Math.max(0, frames - lead - (c.E - c.S)),
    reencodedFrames: 0,
    firstSourceFrame: K,
    container: 'mp4',
    contentType: 'video/mp4',
  };
}

async function encodeSegment(c: Ctx, from: number, to: number, file: string, onFrames: (frames: number) => void): Promise<void> {
  const seek = from > 0 ? seekTo(seekTimeOf(c.index, from)) : [];
  // Matching the source's B-frame delay keeps decode timestamps monotonic across the joins.
  const bframes = c.index.reorderDelay > 0 ? ['-bf', '3', '-b_strategy', '0'] : ['-bf', '0'];
  await runFfmpeg(
    [...seek, '-i', c.req.src, '-map', '0:v:0', '-frames:v', String(to - from), '-an', ...X264, ...bframes, ...clean, '-f', 'mpegts', file],
    { bins: c.req.bins, signal: c.req.signal, onFrames },
  );
}

async function smartCut(c: Ctx): Promise<Omit<CutResult, 'path' | 'mode' | 'source' | 'wallMs'>> {
  const { index, S, E } = c;
  const total = index.pts.length;
  const K1 = keyframeAtOrAfter(index, S);
  // The copied span ends on a keyframe (or the file's end): closed GOPs before it decode alone.
  const Kend = E === total ? E : keyframeAtOrBefore(index, E);
  if (K1 === undefined || Kend === undefined || K1 >= Kend) return reencodeCut(c);

  const dir = c.req.tmpDir;
  const segments: { file: string; from: number; to: number; encoded: boolean }[] = [];
  if (K1 > S) segments.push({ file: path.join(dir, 'head.ts'), from: S, to: K1, encoded: true });
  segments.push({ file: path.join(dir, 'mid.ts'), from: K1, to: Kend, encoded: false });
  if (E > Kend) segments.push({ file: path.join(dir, 'tail.ts'), from: Kend, to: E, encoded: true });
  // The segments are independent: cut them side by side (the copy is I/O, the encodes are short).
  const written = new Map<string, number>();
  const sum = () => [...written.values()].reduce((a, b) => a + b, 0);
  const report = (file: string) => (frames: number) => {
    written.set(file, frames);
    progressOf(c, () => 0, E - S)(sum());
  };
  await Promise.all(
    segments.map((seg) =>
      seg.encoded
        ? encodeSegment(c, seg.from, seg.to, seg.file, report(seg.file))
        : runFfmpeg(
            [...seekTo(copySeekTime(index, seg.from)), '-i', c.req.src, '-map', '0:v:0', '-frames:v', String(seg.to - seg.from), '-an',
              '-c', 'copy', ...clean, '-f', 'mpegts', seg.file],
            { bins: c.req.bins, signal: c.req.signal, onFrames: report(seg.file) },
          ),
    ),
  );
  // Explicit durations: the join does not depend on the demuxer's estimate of each segment's length.
  const list = segments
    .map((s) => `file '${s.file.replace(/'/g, "'\\''")}'\nduration ${t6(spanSeconds(index, s.from, s.to))}\n`)
    .join('');
  const listFile = path.join(dir, 'segments.txt');
  await writeFile(listFile, `ffconcat version 1.0\n${list}`);
  await runFfmpeg(
    ['-f', 'concat', '-safe', '0', '-i', listFile, ...audioInput(c), '-map', '0:v:0', '-c:v', 'copy', ...audioMap(c, 1, AAC),
      ...clean, '-movflags', '+faststart', '-f', 'mp4', c.part],
    { bins: c.req.bins, signal: c.req.signal },
  );
  await Promise.all(segments.map((s) => rm(s.file, { force: true })));
  await rm(listFile, { force: true });
  return {
    method: 'smart',
    frames: (await frameIndex(c.part, c.req.bins)).pts.length,
    extraLeadingFrames: 0,
    extraTrailingFrames: 0,
    reencodedFrames: K1 - S + (E - Kend),
    firstSourceFrame: S,
    copiedSpan: [K1, Kend],
    container: 'mp4',
    contentType: 'video/mp4',
  };
}

async function reencodeCut(c: Ctx): Promise<Omit<CutResult, 'path' | 'mode' | 'source' | 'wallMs'>> {
  const seek = c.S > 0 ? seekTo(seekTimeOf(c.index, c.S)) : [];
  await runFfmpeg(
    [...seek, '-i', c.req.src, ...audioInput(c), '-map', '0:v:0', '-frames:v', String(c.E - c.S), ...X264, ...audioMap(c, 1, AAC),
      ...clean, '-movflags', '+faststart', '-f', 'mp4', c.part],
    { bins: c.req.bins, signal: c.req.signal, onFrames: progressOf(c, () => 0, c.E - c.S) },
  );
  return {
    method: 'reencode',
    frames: (await frameIndex(c.part, c.req.bins)).pts.length,
    extraLeadingFrames: 0,
    extraTrailingFrames: 0,
    reencodedFrames: c.E - c.S,
    firstSourceFrame: c.S,
    container: 'mp4',
    contentType: 'video/mp4',
  };
}

async function ffv1Cut(c: Ctx): Promise<Omit<CutResult, 'path' | 'mode' | 'source' | 'wallMs'>> {
  const seek = c.S > 0 ? seekTo(seekTimeOf(c.index, c.S)) : [];
  await runFfmpeg(
    [...seek, '-i', c.req.src, ...audioInput(c), '-map', '0:v:0', '-frames:v', String(c.E - c.S),
      '-fps_mode', 'passthrough', '-c:v', 'ffv1', '-level', '3', '-g', '1', '-slicecrc', '1', ...audioMap(c, 1, ['-c:a', 'flac']),
      ...clean, '-f', 'matroska', c.part],
    { bins: c.req.bins, signal: c.req.signal, onFrames: progressOf(c, () => 0, c.E - c.S) },
  );
  return {
    method: 'ffv1',
    frames: (await frameIndex(c.part, c.req.bins)).pts.length,
    extraLeadingFrames: 0,
    extraTrailingFrames: 0,
    reencodedFrames: c.E - c.S,
    firstSourceFrame: c.S,
    container: 'matroska',
    contentType: 'video/x-matroska',
  };
}
