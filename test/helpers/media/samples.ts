// The CLI's sample video (src/cli/sample.ts: synthetic scenes, hard cuts at known times, a tone) as
// test media: every test and benchmark that needs one gets it here, cached in one directory,
// .cache/media/samples/, which a media server can serve as-is (files are named by sampleName()).
import path from 'node:path';
import { DEFAULT_SAMPLE, ensureSample, type SampleSpec } from '../../../src/cli/sample.ts';
import { resolveFfmpeg } from '../../../src/media/index.ts';
import { MEDIA_CACHE } from './cache.ts';

export { DEFAULT_SAMPLE, sampleCutFrames, sampleName, type SampleSpec } from '../../../src/cli/sample.ts';

/** A small sample with three scenes (cuts at frames 50 and 90, 25 fps): review, export and the
 * pipeline's cut checks all use this one. */
export const SMALL_CUT_SAMPLE: SampleSpec = { ...DEFAULT_SAMPLE, width: 320, height: 240, fps: 25, scenes: [2, 1.6, 2.4] };

/** Where ensureCutSample() puts its files. */
export const SAMPLE_DIR = path.join(MEDIA_CACHE, 'samples');

/** The sample for `spec` (default: the CLI's own, 1280x720, 15 s), built once. */
export async function ensureCutSample(spec: SampleSpec = DEFAULT_SAMPLE): Promise<string> {
  return ensureSample((await resolveFfmpeg()).ffmpeg, SAMPLE_DIR, spec);
}
