// Frame-level facts of a media file, for cutting at exact frames and checking the result:
// the presentation-ordered frame index with keyframe flags (from packets, nothing decoded),
// per-frame MD5s of decoded pictures (ffmpeg -f framemd5), and a few decoded luma planes for
// PSNR, which identifies a re-encoded frame (a lossy frame cannot match a hash).
import { execa } from 'execa';
import type { FfmpegBins } from '../media/index.ts';
import { ExportError } from './errors.ts';

export type FrameIndex = {
  /** Presentation time (s) of frame i, in presentation order (frame i is the i-th decoded frame). */
  pts: number[];
  /** Sorted frame numbers of keyframes. */
  keyframes: number[];
  /** The decoder's reorder delay (has_b_frames): 0 means no B-frames. */
  reorderDelay: number;
  codec: string;
  width: number;
  height: number;
  pixFmt: string;
};

const tail = (s: unknown) => String(s ?? '').trim().split('\n').slice(-5).join(' | ');

/** Read the frame index of the first video stream (packets only; discarded packets are skipped). */
export async function frameIndex(file: string, bins: Pick<FfmpegBins, 'ffprobe'>): Promise<FrameIndex> {
  const res = await execa(
    bins.ffprobe,
    [
      '-v', 'error', '-hide_banner', '-select_streams', 'v:0',
      '-show_entries', 'packet=pts_time,dts_time,flags:stream=codec_name,width,height,pix_fmt,has_b_frames',
      '-of', 'json', '--', file,
    ],
    { reject: false, stdin: 'ignore', timeout: 300_000, maxBuffer: 512 * 1024 * 1024 },
  );
  if (res.exitCode !== 0 || res.failed) {
    throw new ExportError('no_source', `ffprobe could not index ${file}: ${tail(res.stderr) || res.shortMessage}`);
  }
  const raw = JSON.parse(String(res.stdout)) as {
    packets?: { pts_time?: string; dts_time?: string; flags?: string }[];
    streams?: { codec_name?: string; width?: number; height?: number; pix_fmt?: string; has_b_frames?: number }[];
  };
  const frames: { t: number; key: boolean }[] = [];
  for (const p of raw.packets ?? []) {
    if (p.flags?.includes('D')) continue; // hidden by an edit list: never displayed
    const t = Number(p.pts_time ?? p.dts_time);
    if (Number.isFinite(t)) frames.push({ t, key: !!p.flags?.includes('K') });
  }
  frames.sort((a, b) => a.t - b.t);
  const s = raw.streams?.[0];
  return {
    pts: frames.map((f) => f.t),
    keyframes: frames.flatMap((f, i) => (f.key ? [i] : [])),
    reorderDelay: s?.has_b_frames ?? 0,
    codec: s?.codec_name ?? 'unknown',
    width: s?.width ?? 0,
    height: s?.height ?? 0,
    pixFmt: s?.pix_fmt ?? 'unknown',
  };
}

/** A seek time that lands on frame n and nowhere else: halfway between frame n-1 and frame n. */
export function seekTimeOf(index: FrameIndex, n: number): number {
  const t = index.pts[n];
  if (t === undefined) throw new ExportError('bad_request', `frame ${n} is past the end (${index.pts.length} frames)`);
  const prev = index.pts[n - 1];
  return prev === undefined ? Math.max(0, t - 0.001) : (prev + t) / 2;
}

/** Latest keyframe at or before frame n (undefined if none). */
export function keyframeAtOrBefore(index: FrameIndex, n: number): number | undefined {
  let best: number | undefined;
  for (const k of index.keyframes) {
    if (k > n) break;
    best = k;
  }
  return best;
}

/** First keyframe at or after frame n (undefined if none). */
export function keyframeAtOrAfter(index: FrameIndex, n: number): number | undefined {
  return index.keyframes.find((k) => k >= n);
}

/**
 * MD5 of every decoded video frame of a file, in presentation order. With `from`/`count`, only
 * frames [from, from+count) of the file (seeking to frame `from` exactly, decoding from the keyframe
 * before it).
 */
export async function frameHashes(
  file: string,
  bins: Pick<FfmpegBins, 'ffmpeg'>,
  range?: { index: FrameIndex; from: number; count: number },
): Promise<string[]> {
  const seek = range && range.from > 0 ? ['-seek_timestamp', '1', '-ss', seekTimeOf(range.index, range.from).toFixed(6)] : [];
  const limit = range ? ['-frames:v', String(range.count)] : [];
  const res = await execa(
    bins.ffmpeg,
    ['-hide_banner', '-nostdin', '-loglevel', 'error', ...seek, '-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough', ...limit, '-f', 'framemd5', '-'],
    { reject: false, stdin: 'ignore', timeout: 600_000, maxBuffer: 256 * 1024 * 1024 },
  );
  if (res.exitCode !== 0 || res.failed) {
    throw new ExportError('integrity_failed', `could not decode ${file}: ${tail(res.stderr) || res.shortMessage}`);
  }
  return String(res.stdout)
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}

/** Decoded luma planes (width*height bytes each) of frames [from, from+count) of a file. */
export async function lumaFrames(
  file: string,
  bins: Pick<FfmpegBins, 'ffmpeg'>,
  index: FrameIndex,
  from: number,
  count: number,
  size: { width: number; height: number },
): Promise<Buffer[]> {
  const seek = from > 0 ? ['-seek_timestamp', '1', '-ss', seekTimeOf(index, from).toFixed(6)] : [];
  const res = await execa(
    bins.ffmpeg,
    [
      '-hide_banner', '-nostdin', '-loglevel', 'error', ...seek, '-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough', '-frames:v', String(count),
      '-vf', `scale=${size.width}:${size.height}:flags=area,format=gray`, '-f', 'rawvideo', '-',
    ],
    { reject: false, stdin: 'ignore', encoding: 'buffer', timeout: 300_000, maxBuffer: 256 * 1024 * 1024 },
  );
  if (res.exitCode !== 0 || res.failed) {
    throw new ExportError('integrity_failed', `could not decode ${file}: ${tail(res.stderr) || res.shortMessage}`);
  }
  const out = Buffer.from(res.stdout as Uint8Array);
  const plane = size.width * size.height;
  const frames: Buffer[] = [];
  for (let o = 0; o + plane <= out.length; o += plane) frames.push(out.subarray(o, o + plane));
  return frames;
}

/** PSNR (dB) of two equal-size 8-bit planes; Infinity when identical. */
export function psnr(a: Buffer, b: Buffer): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    se += d * d;
  }
  if (se === 0) return Infinity;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}
