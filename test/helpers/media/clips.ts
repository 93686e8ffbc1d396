// Single deterministic test clips, cached under .cache/media/clips/ keyed by their spec, so a rerun
// costs nothing: generate() makes one of each container/codec kind the daemon meets, with scene
// cuts on known frames (each segment between cuts from a visually unrelated source of the
// catalogue, joined with the concat filter); generateBroken() makes files that are not (valid)
// videos; ensureClip() makes the plain testsrc2 clip the pool tests and benchmark decode;
// encodeOnce() caches any other single ffmpeg run a test or benchmark needs (export's GOP-50 source).
import { copyFile, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { resolveFfmpeg } from '../../../src/media/index.ts';
import { lavfi, tone, type Raster } from '../../../src/media/sources.ts';
import { buildOnce } from '../../../src/util/build-once.ts';
import { hashKey, MEDIA_CACHE } from './cache.ts';

const CLIPS = path.join(MEDIA_CACHE, 'clips');
const GEN_VERSION = 2; // bump when the recipes change, to invalidate the cache

export type MediaKind = 'h264_aac_mp4' | 'vp9_opus_webm' | 'h264_no_audio_mp4' | 'hevc_or_high_res' | 'audio_only_m4a';

export type MediaSpec = {
  kind: MediaKind;
  width?: number; // default 320 (2560 for hevc_or_high_res variant 'high_res')
  height?: number; // default 180 (1440 for 'high_res')
  fps?: number; // default 25
  durationS?: number; // default 3
  /** Cut times in seconds; each becomes a hard cut at frame round(t * fps). */
  cutsAtS?: readonly number[];
  /** GOP length in frames (fixed: no scene-cut keyframes); default = fps (one keyframe per second). */
  gop?: number;
  /** MP4 only: moov before mdat. Default true. */
  faststart?: boolean;
  /** hevc_or_high_res only: what makes it need an encode. Default 'hevc'. */
  variant?: 'hevc' | 'h264_444' | 'high_res';
  /** Audio channels, default 2. */
  channels?: number;
};

type Normalized = Required<Omit<MediaSpec, 'cutsAtS'>> & { cutsAtS: number[] };

function normalize(spec: MediaSpec): Normalized {
  const highRes = spec.kind === 'hevc_or_high_res' && spec.variant === 'high_res';
  const fps = spec.fps ?? 25;
  return {
    kind: spec.kind,
    width: spec.width ?? (highRes ? 2560 : 320),
    height: spec.height ?? (highRes ? 1440 : 180),
    fps,
    durationS: spec.durationS ?? 3,
    cutsAtS: [...(spec.cutsAtS ?? [])].sort((a, b) => a - b),
    gop: spec.gop ?? fps,
    faststart: spec.faststart ?? true,
    variant: spec.kind === 'hevc_or_high_res' ? (spec.variant ?? 'hevc') : 'hevc',
    channels: spec.channels ?? 2,
  };
}

/** Total number of video frames the generated file has. */
export function frameCount(spec: MediaSpec): number {
  const n = normalize(spec);
  return Math.round(n.durationS * n.fps);
}

/** Exact frame numbers (0-based index of the first frame of each new segment) of the cuts. */
export function cutFrames(spec: MediaSpec): number[] {
  const n = normalize(spec);
  const total = frameCount(spec);
  const frames = n.cutsAtS.map((t) => Math.round(t * n.fps)).filter((f) => f > 0 && f < total);
  return [...new Set(frames)];
}

function extOf(kind: MediaKind): string {
  return kind === 'vp9_opus_webm' ? 'webm' : kind === 'audio_only_m4a' ? 'm4a' : 'mp4';
}

/** Path of the generated (cached) file for this spec. */
export function generate(spec: MediaSpec): Promise<string> {
  const n = normalize(spec);
  const out = path.join(CLIPS, `${hashKey({ v: GEN_VERSION, ...n })}.${extOf(n.kind)}`);
  return buildOnce(out, async (tmp) => {
    await execa((await resolveFfmpeg()).ffmpeg, recipe(n, tmp), { stdin: 'ignore' });
  });
}

// One visually distinct lavfi source per segment, cycled. Random sources get fixed seeds so the same
// spec always yields the same file.
function segmentSource(i: number, r: Raster): string {
  const sources = [
    lavfi.testsrc2(r),
    lavfi.smptebars(r),
    `${lavfi.mandelbrot(r)}:maxiter=64`,
    `${lavfi.color(r, '0x2040c0')},noise=alls=30:allf=t:all_seed=11`,
    lavfi.rgbtestsrc(r),
    `${lavfi.life(r, 5)}:mold=10:ratio=0.2:death_color=#c83232:life_color=#00ff00`,
    `${lavfi.color(r, '0xf0e020')},noise=alls=30:allf=t:all_seed=13`,
  ];
  return sources[i % sources.length] as string;
}

function recipe(n: Normalized, out: string): string[] {
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'];
  const fmt = n.kind === 'vp9_opus_webm' ? 'webm' : n.kind === 'audio_only_m4a' ? 'ipod' : 'mp4';
  const audioSrc = tone(n.durationS);

  if (n.kind === 'audio_only_m4a') {
    args.push('-f', 'lavfi', '-i', audioSrc, '-ac', String(n.channels), '-c:a', 'aac', '-b:a', '64k');
    args.push('-map_metadata', '-1', '-fflags', '+bitexact', '-f', fmt, out);
    return args;
  }

  const total = Math.round(n.durationS * n.fps);
  const bounds = [0, ...cutFrames(n), total];
  const parts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const frames = (bounds[i + 1] as number) - (bounds[i] as number);
    parts.push(`${segmentSource(i, n)},trim=end_frame=${frames},setpts=PTS-STARTPTS[s${i}]`);
    labels.push(`[s${i}]`);
  }
  const pixFmt = n.kind === 'hevc_or_high_res' && n.variant === 'h264_444' ? 'yuv444p' : 'yuv420p';
  const graph = `${parts.join(';')};${labels.join('')}concat=n=${labels.length}:v=1:a=0,format=${pixFmt}[v]`;
  args.push('-filter_complex', graph);

  const withAudio = n.kind !== 'h264_no_audio_mp4';
  if (withAudio) args.push('-f', 'lavfi', '-i', audioSrc);
  args.push('-map', '[v]');
  if (withAudio) args.push('-map', '0:a:0');

  const gop = ['-g', String(n.gop), '-keyint_min', String(n.gop)];
  if (n.kind === 'vp9_opus_webm') {
    args.push('-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k', ...gop);
    args.push('-c:a', 'libopus', '-b:a', '48k', '-ac', String(n.channels));
  } else if (n.kind === 'hevc_or_high_res' && n.variant === 'hevc') {
    args.push('-c:v', 'libx265', '-preset', 'ultrafast', '-tag:v', 'hvc1');
    args.push('-x265-params', `log-level=error:keyint=${n.gop}:min-keyint=${n.gop}:scenecut=0`);
  } else {
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', ...gop, '-sc_threshold', '0');
  }
  if (withAudio && n.kind !== 'vp9_opus_webm') {
    args.push('-c:a', 'aac', '-b:a', '64k', '-ac', String(n.channels));
  }
  if (fmt === 'mp4' && n.faststart) args.push('-movflags', '+faststart');
  args.push('-t', String(n.durationS), '-map_metadata', '-1', '-fflags', '+bitexact', '-f', fmt, out);
  return args;
}

export type BrokenKind = 'empty' | 'text' | 'html' | 'png' | 'truncated_mp4' | 'truncated_faststart_mp4';

/** Files that are not (valid) videos, for error-path tests. Cached like generate(). */
export function generateBroken(kind: BrokenKind): Promise<string> {
  const ext = { empty: 'mp4', text: 'txt', html: 'html', png: 'png', truncated_mp4: 'mp4', truncated_faststart_mp4: 'mp4' }[kind];
  return buildOnce(path.join(CLIPS, `broken-v${GEN_VERSION}-${kind}.${ext}`), async (tmp) => {
    switch (kind) {
      case 'empty':
        await writeFile(tmp, '');
        break;
      case 'text':
        await writeFile(tmp, 'This is not a video.\nJust some plain text, a few lines of it.\n'.repeat(20));
        break;
      case 'html':
        await writeFile(tmp, '<!doctype html>\n<html><head><title>Video</title></head><body><p>Not found</p></body></html>\n');
        break;
      case 'png':
        await execa((await resolveFfmpeg()).ffmpeg, ['-nostdin', '-y', '-loglevel', 'error', '-f', 'lavfi', '-i', lavfi.testsrc2({ width: 64, height: 64, fps: 25 }), '-frames:v', '1', '-f', 'image2', '-c:v', 'png', tmp]);
        break;
      case 'truncated_mp4':
      case 'truncated_faststart_mp4': {
        const src = await generate({ kind: 'h264_aac_mp4', durationS: 2, faststart: kind === 'truncated_faststart_mp4' });
        await copyFile(src, tmp);
        const fh = await open(tmp, 'r+');
        try {
          await fh.truncate(Math.floor((await fh.stat()).size / 2));
        } finally {
          await fh.close();
        }
        break;
      }
    }
  });
}

/**
 * The output of one ffmpeg run, built once: `args` are its inputs and options without the output,
 * `name` (e.g. "gop50-160x120-25.mp4") names the file and gives its container by the extension;
 * the file is keyed by both.
 */
export function encodeOnce(name: string, args: readonly string[]): Promise<string> {
  const ext = path.extname(name);
  const file = path.join(CLIPS, `${name.slice(0, name.length - ext.length)}-${hashKey(args, 12)}${ext}`);
  return buildOnce(file, async (tmp) => {
    await execa((await resolveFfmpeg()).ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args, tmp], { stdin: 'ignore' });
  });
}

/** A small testsrc2 clip (H.264, no audio, x264's own GOP), generated once per parameter set. */
export function ensureClip(p: { width?: number; height?: number; fps?: number; seconds?: number } = {}): Promise<string> {
  const r = { width: p.width ?? 320, height: p.height ?? 180, fps: p.fps ?? 25 }, seconds = p.seconds ?? 4;
  return encodeOnce(`testsrc2-${r.width}x${r.height}-${r.fps}fps-${seconds}s.mp4`, [
    '-f', 'lavfi', '-i', `${lavfi.testsrc2(r)}:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-threads', '1',
  ]);
}
