// Verified outputs: a stage that made its local files but died (or lost its claim) before its
// commit leaves a small manifest beside them; the next attempt on the same host finds the files
// still the size the manifest says and skips the work (a re-download or a re-encode). The manifest
// is written only after the files are complete (ffmpeg and yt-dlp write to temporary names), and
// atomically (write + rename), so a torn manifest or a half-written file is never taken as done.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Workspace } from './workspace.ts';

const File = z.object({ path: z.string().min(1), bytes: z.number().int().positive() });

const Preprocess = z.object({
  mode: z.enum(['remux', 'encode']),
  encodePasses: z.number().int().nonnegative(),
  proxy: File,
  master: File.optional(),
  frames: z.object({ path: z.string(), width: z.number().int().positive(), height: z.number().int().positive(), bytes: z.number().int().positive() }).optional(),
  keyframeTimes: z.array(z.number()),
});

const Download = z.object({ source: File, probe: z.unknown(), title: z.string().nullable().optional() });

const manifestPath = (ws: Workspace, kind: 'preprocess' | 'download') =>
  kind === 'download' ? path.join(ws.downloadDir, '.verified.json') : path.join(ws.dir, 'preprocess.verified.json');

async function sizeIs(file: { path: string; bytes: number }): Promise<boolean> {
  const st = await fs.stat(file.path).catch(() => undefined);
  return !!st && st.isFile() && st.size === file.bytes;
}

async function readManifest(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function writeManifest(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(value));
  await fs.rename(tmp, file);
}

const sized = async (p: string) => ({ path: p, bytes: (await fs.stat(p)).size });

/** What preprocess made, as the next stages need it. */
export interface VerifiedProxy {
  mode: 'remux' | 'encode';
  encodePasses: number;
  proxyPath: string;
  masterPath?: string;
  frames?: { path: string; width: number; height: number };
  keyframeTimes: number[];
}

export async function writeVerified(ws: Workspace, _kind: 'preprocess', out: VerifiedProxy): Promise<void> {
  const frames = out.frames ? { ...out.frames, bytes: (await fs.stat(out.frames.path)).size } : undefined;
  await writeManifest(manifestPath(ws, 'preprocess'), {
    mode: out.mode,
    encodePasses: out.encodePasses,
    proxy: await sized(out.proxyPath),
    ...(out.masterPath ? { master: await sized(out.masterPath) } : {}),
    ...(frames && frames.bytes > 0 ? { frames } : {}),
    keyframeTimes: out.keyframeTimes,
  });
}

/** The outputs of a finished preprocess on this disk, or undefined when any of them is not intact. */
export async function readVerified(ws: Workspace, _kind: 'preprocess', wantMaster: boolean): Promise<VerifiedProxy | undefined> {
  const m = Preprocess.safeParse(await readManifest(manifestPath(ws, 'preprocess')));
  if (!m.success) return undefined;
  const v = m.data;
  if (!(await sizeIs(v.proxy))) return undefined;
  if (wantMaster && !(v.master && (await sizeIs(v.master)))) return undefined;
  // The analysis frames only save a decode: without them detection decodes the proxy.
  const frames = v.frames && (await sizeIs(v.frames)) ? { path: v.frames.path, width: v.frames.width, height: v.frames.height } : undefined;
  return {
    mode: v.mode,
    encodePasses: 0, // nothing was encoded by this attempt
    proxyPath: v.proxy.path,
    masterPath: v.master?.path,
    frames,
    keyframeTimes: v.keyframeTimes,
  };
}

export async function writeVerifiedSource(ws: Workspace, src: { path: string; probe: unknown; title?: string | null }): Promise<void> {
  await writeManifest(manifestPath(ws, 'download'), { source: await sized(src.path), probe: src.probe, title: src.title ?? null });
}

export async function readVerifiedSource(ws: Workspace): Promise<{ path: string; probe: unknown; title: string | null } | undefined> {
  const m = Download.safeParse(await readManifest(manifestPath(ws, 'download')));
  if (!m.success || !(await sizeIs(m.data.source))) return undefined;
  return { path: m.data.source.path, probe: m.data.probe, title: m.data.title ?? null };
}
