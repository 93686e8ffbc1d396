// Finds the ffmpeg/ffprobe binaries once. Order: explicit override (config, then FFMPEG_PATH /
// FFPROBE_PATH) → the optional `ffmpeg-static` package (ffmpeg only; it ships no ffprobe) → PATH.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { MediaError } from './errors.ts';

export type FfmpegBins = { ffmpeg: string; ffprobe: string; source: 'env' | 'ffmpeg-static' | 'path' };
export type FfmpegPathConfig = { ffmpegPath?: string | undefined; ffprobePath?: string | undefined };

const cache = new Map<string, Promise<FfmpegBins>>();

/** Resolve (and cache per effective inputs) the binaries. Rejects with MediaError('ffmpeg_not_found'). */
export function resolveFfmpeg(
  cfg: FfmpegPathConfig = {},
  env: Record<string, string | undefined> = process.env,
): Promise<FfmpegBins> {
  const ffmpegOverride = cfg.ffmpegPath ?? nonEmpty(env.FFMPEG_PATH);
  const ffprobeOverride = cfg.ffprobePath ?? nonEmpty(env.FFPROBE_PATH);
  const key = JSON.stringify([ffmpegOverride, ffprobeOverride, env.PATH]);
  let hit = cache.get(key);
  if (!hit) {
    hit = doResolve(ffmpegOverride, ffprobeOverride, env.PATH ?? '');
    cache.set(key, hit);
    // A failed lookup is not cached: the operator may install ffmpeg and retry.
    hit.catch(() => cache.delete(key));
  }
  return hit;
}

/** For tests: forget cached resolutions. */
export function clearFfmpegCache(): void {
  cache.clear();
}

async function doResolve(
  ffmpegOverride: string | undefined,
  ffprobeOverride: string | undefined,
  pathEnv: string,
): Promise<FfmpegBins> {
  let ffmpeg: string;
  let source: FfmpegBins['source'];
  if (ffmpegOverride) {
    ffmpeg = await requireExecutable(ffmpegOverride, 'ffmpeg (FFMPEG_PATH / ffmpegPath override)');
    source = 'env';
  } else {
    const fromStatic = await ffmpegStaticPath();
    if (fromStatic) {
      ffmpeg = fromStatic;
      source = 'ffmpeg-static';
    } else {
      ffmpeg = await searchPath('ffmpeg', pathEnv, ['ffmpeg-static package (not installed or binary missing)']);
      source = 'path';
    }
  }

  let ffprobe: string;
  if (ffprobeOverride) {
    ffprobe = await requireExecutable(ffprobeOverride, 'ffprobe (FFPROBE_PATH / ffprobePath override)');
    source = 'env';
  } else {
    // An overridden ffmpeg usually has its ffprobe beside it; prefer that build over PATH's.
    const sibling = ffmpegOverride ? path.join(path.dirname(ffmpeg), 'ffprobe') : undefined;
    if (sibling && (await isExecutable(sibling))) ffprobe = sibling;
    else ffprobe = await searchPath('ffprobe', pathEnv, sibling ? [sibling] : []);
  }
  return { ffmpeg, ffprobe, source };
}

async function ffmpegStaticPath(): Promise<string | undefined> {
  // Optional dependency whose installer needs the network: absent here, so import it by a
  // non-literal name (no type resolution) and treat any failure as "not available".
  const name = 'ffmpeg-static';
  try {
    const mod = (await import(name)) as { default?: unknown };
    const p = mod.default;
    if (typeof p === 'string' && (await isExecutable(p))) return p;
  } catch {
    // not installed
  }
  return undefined;
}

async function requireExecutable(file: string, what: string): Promise<string> {
  const abs = path.resolve(file);
  if (!(await isExecutable(abs))) {
    throw new MediaError('ffmpeg_not_found', `${what}: ${abs} does not exist or is not executable`);
  }
  return abs;
}

async function searchPath(bin: string, pathEnv: string, alsoTried: string[]): Promise<string> {
  const dirs = pathEnv.split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, bin);
    if (await isExecutable(candidate)) return candidate;
  }
  const tried = [...alsoTried, ...dirs.map((d) => path.join(d, bin))];
  throw new MediaError(
    'ffmpeg_not_found',
    `${bin} not found; tried: ${tried.length ? tried.join(', ') : '(PATH is empty)'}. ` +
      `Install ffmpeg or set ${bin === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH'}.`,
  );
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function nonEmpty(s: string | undefined): string | undefined {
  return s && s.length > 0 ? s : undefined;
}
