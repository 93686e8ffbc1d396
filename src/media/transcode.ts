// Builds the browser proxy (and optionally the FFV1 master) in ONE ffmpeg process: the source is
// demuxed/decoded once and fanned out to every output, so a master or the scene detector's
// analysis frames cost no second decode.
import { once } from 'node:events';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { dieWithParent } from './child.ts';
import { redactText, relayLine, type Logger } from '../log/index.ts';
import { MediaError } from './errors.ts';
import type { FfmpegBins } from './ffmpeg-path.ts';
import { proxyDimensions, type ProxyMode } from './plan.ts';
import type { Probe } from './probe.ts';

export type ProxyProgress = { percent: number; outTimeS: number; speed: number | null; frame: number };

export type MakeProxyOptions = {
  src: string;
  dst: string;
  probe: Probe;
  mode: ProxyMode;
  /** Path of the FFV1/Matroska master to write from the same decode, or undefined for none. */
  master?: string | undefined;
  /** Extra ffmpeg output arg arrays (each with its own -map ... and output path), same process. */
  extraOutputs?: string[][] | undefined;
  bins: Pick<FfmpegBins, 'ffmpeg'>;
  onProgress?: ((p: ProxyProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  logger?: Logger | undefined;
  /** Minimum ms between onProgress calls (the final 100% is always delivered). */
  progressIntervalMs?: number | undefined;
};

export type MakeProxyResult = {
  mode: ProxyMode;
  /** Video encodes performed: remux proxy 0, encoded proxy 1, +1 for a master. */
  encodePasses: number;
  proxyPath: string;
  masterPath?: string;
  wallMs: number;
};

const STDERR_TAIL_LINES = 20;

export async function makeProxy(o: MakeProxyOptions): Promise<MakeProxyResult> {
  const started = performance.now();
  if (!o.probe.video) throw new MediaError('no_video_stream', `no video stream to proxy: ${o.src}`);
  if (o.signal?.aborted) throw new MediaError('cancelled', 'proxy cancelled before start');

  // Write to ".part" names and rename at the end, so a crash never leaves a plausible-looking proxy.
  const proxyPart = `${o.dst}.part`;
  const masterPart = o.master ? `${o.master}.part` : undefined;
  await mkdir(path.dirname(o.dst), { recursive: true });
  if (o.master) await mkdir(path.dirname(o.master), { recursive: true });

  const args = buildFfmpegArgs({ ...o, dst: proxyPart, master: masterPart });
  o.logger?.debug(
    { src: redactText(o.src), mode: o.mode, master: !!o.master, extraOutputs: o.extraOutputs?.length ?? 0 },
    'ffmpeg start',
  );

  const sub = execa(...dieWithParent(o.bins.ffmpeg, args), {
    reject: false,
    buffer: false,
    stdin: 'ignore',
    cancelSignal: o.signal,
    forceKillAfterDelay: 3000,
  });

  const tail: string[] = [];
  const errLines = createInterface({ input: sub.stderr });
  errLines.on('line', (line) => {
    if (!line.trim()) return;
    tail.push(line);
    if (tail.length > STDERR_TAIL_LINES) tail.shift();
    // We run ffmpeg at -loglevel warning (progress goes to stdout), so every stderr line matters.
    if (o.logger) relayLine(o.logger, 'ffmpeg', line, undefined, { rawLevel: 'warn' });
  });
  const progress = progressParser(o.probe.durationS, o.progressIntervalMs ?? 500, o.onProgress);
  const outLines = createInterface({ input: sub.stdout });
  outLines.on('line', progress.line);

  const [result] = await Promise.all([sub, once(errLines, 'close'), once(outLines, 'close')]);

  const cleanup = () => Promise.all([rm(proxyPart, { force: true }), masterPart && rm(masterPart, { force: true })]);
  if (result.isCanceled || o.signal?.aborted) {
    await cleanup();
    throw new MediaError('cancelled', 'proxy cancelled: ffmpeg was stopped', { cause: o.signal?.reason });
  }
  if (result.failed || result.exitCode !== 0) {
    await cleanup();
    const why = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode ?? '?'}`;
    if (tail.some((l) => /No space left on device/i.test(l))) {
      throw new MediaError('disk_full', `the work disk is full: ffmpeg failed (${why}): ${tail.slice(-3).join('\n')}`);
    }
    throw new MediaError('encode_failed', `ffmpeg failed (${why}): ${tail.join('\n') || result.shortMessage}`);
  }

  await rename(proxyPart, o.dst);
  if (o.master && masterPart) await rename(masterPart, o.master);
  progress.finish();

  const out: MakeProxyResult = {
    mode: o.mode,
    encodePasses: (o.mode === 'encode' ? 1 : 0) + (o.master ? 1 : 0),
    proxyPath: o.dst,
    wallMs: Math.round(performance.now() - started),
  };
  if (o.master) out.masterPath = o.master;
  o.logger?.debug({ mode: out.mode, encodePasses: out.encodePasses, wallMs: out.wallMs }, 'ffmpeg done');
  return out;
}

/** The full ffmpeg argument array (exported for tests and for logging/debugging). */
export function buildFfmpegArgs(o: Pick<MakeProxyOptions, 'src' | 'dst' | 'probe' | 'mode' | 'master' | 'extraOutputs'>): string[] {
  const v = o.probe.video;
  if (!v) throw new MediaError('no_video_stream', 'no video stream');
  const hasAudio = !!o.probe.audio;
  const maps = ['-map', '0:v:0', ...(hasAudio ? ['-map', '0:a:0'] : [])];
  // Constant output: no source metadata/chapters, so reruns produce the same bytes.
  const clean = ['-map_metadata', '-1', '-map_chapters', '-1'];

  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning', '-nostats', '-progress', 'pipe:1'];
  args.push('-i', o.src);

  if (o.mode === 'remux') {
    args.push(...maps, '-c', 'copy', ...clean, '-movflags', '+faststart', '-f', 'mp4', o.dst);
  } else {
    const { width, height } = proxyDimensions(v);
    const vf = width === displayWidth(v) && height === displayHeight(v)
      ? 'format=yuv420p'
      : `scale=${width}:${height}:flags=bicubic,setsar=1,format=yuv420p`;
    args.push(...maps, '-vf', vf);
    // Keyframe at least every ~2 s so browsers seek quickly and clips can snap to keyframes;
    // x264's scene-cut detection still adds keyframes at cuts.
    const gop = String(Math.max(1, Math.round((v.fps > 0 ? v.fps : 25) * 2)));
    args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-profile:v', 'high', '-pix_fmt', 'yuv420p');
    args.push('-g', gop);
    if (hasAudio) {
      const ch = Math.min(2, Math.max(1, o.probe.audio?.channels ?? 2));
      args.push('-c:a', 'aac', '-b:a', '128k', '-ac', String(ch));
    }
    args.push(...clean, '-movflags', '+faststart', '-f', 'mp4', o.dst);
  }

  if (o.master) {
    // Lossless archive of the decoded picture at full resolution; FLAC keeps audio lossless too.
    args.push(...maps, '-c:v', 'ffv1', '-level', '3', '-g', '1', '-slicecrc', '1');
    if (hasAudio) args.push('-c:a', 'flac');
    args.push(...clean, '-f', 'matroska', o.master);
  }

  for (const extra of o.extraOutputs ?? []) args.push(...extra);
  return args;
}

function displayWidth(v: { width: number; height: number; rotation?: number }): number {
  return v.rotation === 90 || v.rotation === 270 ? v.height : v.width;
}
function displayHeight(v: { width: number; height: number; rotation?: number }): number {
  return v.rotation === 90 || v.rotation === 270 ? v.width : v.height;
}

/**
 * Parses `-progress pipe:1` blocks (key=value lines ending with progress=continue|end) and calls
 * onProgress at most every intervalMs; finish() always reports 100%.
 */
export function progressParser(
  durationS: number,
  intervalMs: number,
  onProgress: ((p: ProxyProgress) => void) | undefined,
): { line: (l: string) => void; finish: () => void } {
  let block: Record<string, string> = {};
  let last: ProxyProgress = { percent: 0, outTimeS: 0, speed: null, frame: 0 };
  let lastEmit = -Infinity;
  let finished = false;

  const emit = (p: ProxyProgress, force: boolean) => {
    if (!onProgress || finished) return;
    const now = performance.now();
    if (!force && now - lastEmit < intervalMs) return;
    lastEmit = now;
    try {
      onProgress(p);
    } catch {
      // A faulty progress listener must not crash the encode (it runs inside a stream event).
    }
  };

  return {
    line(l: string) {
      const eq = l.indexOf('=');
      if (eq <= 0) return;
      const key = l.slice(0, eq).trim();
      const value = l.slice(eq + 1).trim();
      if (key !== 'progress') {
        block[key] = value;
        return;
      }
      const us = Number(block.out_time_us ?? block.out_time_ms); // out_time_ms is µs too (ffmpeg quirk)
      const outTimeS = Number.isFinite(us) && us > 0 ? us / 1e6 : last.outTimeS;
      const speed = Number.parseFloat(block.speed ?? '');
      const frame = Number(block.frame);
      last = {
        percent: durationS > 0 ? Math.min(100, Math.round((outTimeS / durationS) * 1000) / 10) : 0,
        outTimeS,
        speed: Number.isFinite(speed) ? speed : null,
        frame: Number.isFinite(frame) ? frame : last.frame,
      };
      block = {};
      if (value !== 'end') emit(last, false);
    },
    finish() {
      emit({ ...last, percent: 100 }, true);
      finished = true;
    },
  };
}
