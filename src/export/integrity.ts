// Every exported file is checked before it is stored: it must probe as a video, hold the frames it
// claims, and start with the source frame it claims. A frame that was stream-copied or cut
// losslessly must hash (MD5 of the decoded picture) like the source frame; a re-encoded first
// frame cannot, so it is identified by PSNR: it must be closer to source frame `first` than to its
// neighbours. A smart cut's first copied frame must hash like its source frame too (alignment of
// the copied GOPs).
import type { FfmpegBins } from '../media/index.ts';
import { probe } from '../media/index.ts';
import type { CutResult } from './cut.ts';
import { ExportError } from './errors.ts';
import { frameHashes, frameIndex, lumaFrames, psnr, type FrameIndex } from './frames.ts';

export type IntegrityReport = {
  frames: number;
  firstFrame: { sourceFrame: number; by: 'md5' | 'psnr'; psnrDb?: number; neighbourPsnrDb?: number };
  copiedFrameMd5?: { outFrame: number; sourceFrame: number };
};

/** Minimum PSNR (luma, downscaled) of a re-encoded first frame against its source frame. */
export const MIN_FIRST_FRAME_PSNR_DB = 28;

export async function verifyCut(
  cut: CutResult,
  clip: { startFrame: number; endFrame: number },
  src: { path: string; index: FrameIndex },
  bins: Pick<FfmpegBins, 'ffmpeg' | 'ffprobe'>,
): Promise<IntegrityReport> {
  const fail = (why: string) => {
    throw new ExportError('integrity_failed', `exported ${cut.mode} file is not the clip: ${why}`);
  };
  const p = await probe(cut.path, bins);
  if (!p.video) fail('no video stream');
  const out = await frameHashes(cut.path, bins);
  const want = Math.min(clip.endFrame, src.index.pts.length) - clip.startFrame;
  if (cut.mode === 'copy') {
    if (out.length < want + cut.extraLeadingFrames) fail(`${out.length} frames, fewer than the clip's ${want} + ${cut.extraLeadingFrames} leading`);
  } else if (out.length !== want) {
    fail(`${out.length} frames, the clip has ${want}`);
  }
  if (out.length !== cut.frames) fail(`decoded ${out.length} frames, the index says ${cut.frames}`);

  const first = cut.firstSourceFrame;
  if (cut.mode === 'copy' ? first + cut.extraLeadingFrames !== clip.startFrame : first !== clip.startFrame) {
    fail(`it starts at source frame ${first} (+${cut.extraLeadingFrames} leading), the clip at ${clip.startFrame}`);
  }
  const lossless = cut.method === 'copy' || cut.method === 'ffv1' || (cut.method === 'smart' && cut.copiedSpan?.[0] === first);
  const report: IntegrityReport = { frames: out.length, firstFrame: { sourceFrame: first, by: lossless ? 'md5' : 'psnr' } };
  if (lossless) {
    const [srcFirst] = await frameHashes(src.path, bins, { index: src.index, from: first, count: 1 });
    if (srcFirst !== out[0]) fail(`first frame does not hash like source frame ${first}`);
  } else {
    const ident = await identifyFirstFrame(cut.path, src, first, bins);
    report.firstFrame.psnrDb = ident.psnr;
    report.firstFrame.neighbourPsnrDb = ident.neighbour;
    if (ident.psnr < MIN_FIRST_FRAME_PSNR_DB) fail(`first frame PSNR ${ident.psnr.toFixed(1)} dB against source frame ${first}`);
    if (ident.neighbour > ident.psnr + 0.05) {
      fail(`first frame is closer to a neighbour of source frame ${first} (${ident.neighbour.toFixed(1)} > ${ident.psnr.toFixed(1)} dB)`);
    }
  }
  if (cut.method === 'smart' && cut.copiedSpan) {
    const [k] = cut.copiedSpan;
    const outFrame = k - clip.startFrame;
    const [srcK] = await frameHashes(src.path, bins, { index: src.index, from: k, count: 1 });
    if (out[outFrame] !== srcK) fail(`frame ${outFrame} does not hash like source keyframe ${k}: the copied GOPs are misaligned`);
    report.copiedFrameMd5 = { outFrame, sourceFrame: k };
  }
  return report;
}

async function identifyFirstFrame(
  file: string,
  src: { path: string; index: FrameIndex },
  first: number,
  bins: Pick<FfmpegBins, 'ffmpeg' | 'ffprobe'>,
): Promise<{ psnr: number; neighbour: number }> {
  const w = Math.min(320, src.index.width || 320);
  const size = { width: w - (w % 2), height: Math.max(2, Math.round((w * (src.index.height || 180)) / (src.index.width || 320) / 2) * 2) };
  const from = Math.max(0, first - 1);
  const count = Math.min(src.index.pts.length, first + 2) - from;
  const [srcFrames, outFrames] = await Promise.all([
    lumaFrames(src.path, bins, src.index, from, count, size),
    frameIndex(file, bins).then((idx) => lumaFrames(file, bins, idx, 0, 1, size)),
  ]);
  const o = outFrames[0];
  const target = srcFrames[first - from];
  if (!o || !target) throw new ExportError('integrity_failed', `could not decode the first frame for comparison`);
  const neighbours = srcFrames.filter((_, i) => i !== first - from).map((f) => psnr(o, f));
  return { psnr: psnr(o, target), neighbour: neighbours.length ? Math.max(...neighbours) : -Infinity };
}
