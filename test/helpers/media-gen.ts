// Deterministic test media made with ffmpeg's lavfi sources, cached under <repo>/.cache/media/
// keyed by the spec, so a rerun costs nothing. Scene cuts land on known frames: each segment
// between cuts comes from a visually unrelated source, joined with the concat filter.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path.ts';

import { REPO_ROOT } from './common.ts';
export const MEDIA_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'media');
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
export async function generate(spec: MediaSpec): Promise<string> {
  const n = normalize(spec);
  const hash = createHash('sha256').update(JSON.stringify({ v: GEN_VERSION, ...n })).digest('hex').slice(0, 16);
  const out = path.join(MEDIA_CACHE_DIR, `${hash}.${extOf(n.kind)}`);
  if (await exists(out)) return out;
  await mkdir(MEDIA_CACHE_DIR, { recursive: true });
  const tmp = `${out}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const { ffmpeg } = await resolveFfmpeg();
  try {
    await execa(ffmpeg, recipe(n, tmp), { stdin: 'ignore' });
    await rename(tmp, out); // atomic: concurrent generators of the same spec are harmless
  } finally {
    await rm(tmp, { force: true });
  }
  return out;
}

// One visually distinct lavfi source per segment, cycled. Random sources get fixed seeds so the same
// spec always yields the same file.
function segmentSource(i: number, w: number, h: number, fps: number): string {
  const s = `s=${w}x${h}:r=${fps}`;
  const sources = [
    `testsrc2=${s}`,
    `smptebars=${s}`,
    `mandelbrot=${s}:maxiter=64`,
    `color=c=0x2040c0:${s},noise=alls=30:allf=t:all_seed=11`,
    `rgbtestsrc=${s}`,
    `life=${s}:seed=5:mold=10:ratio=0.2:death_color=#c83232:life_color=#00ff00`,
    `color=c=0xf0e020:${s},noise=alls=30:allf=t:all_seed=13`,
  ];
  return sources[i % sources.length] as string;
}

function recipe(n: Normalized, out: string): string[] {
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'];
  const fmt = n.kind === 'vp9_opus_webm' ? 'webm' : n.kind === 'audio_only_m4a' ? 'ipod' : 'mp4';
  const audioSrc = `sine=frequency=440:sample_rate=48000:duration=${n.durationS}`;

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
    parts.push(`${segmentSource(i, n.width, n.height, n.fps)},trim=end_frame=${frames},setpts=PTS-STARTPTS[s${i}]`);
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
export async function generateBroken(kind: BrokenKind): Promise<string> {
  await mkdir(MEDIA_CACHE_DIR, { recursive: true });
  const ext = { empty: 'mp4', text: 'txt', html: 'html', png: 'png', truncated_mp4: 'mp4', truncated_faststart_mp4: 'mp4' }[kind];
  const out = path.join(MEDIA_CACHE_DIR, `broken-v${GEN_VERSION}-${kind}.${ext}`);
  if (await exists(out)) return out;
  const tmp = `${out}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
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
      case 'png': {
        const { ffmpeg } = await resolveFfmpeg();
        await execa(ffmpeg, ['-nostdin', '-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=64x64', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', tmp]);
        break;
      }
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
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).size > 0 || p.includes('broken-');
  } catch {
    return false;
  }
}
