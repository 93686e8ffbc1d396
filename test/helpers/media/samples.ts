// The CLI's sample video (src/cli/sample.ts: synthetic scenes, hard cuts at known times, a tone) as
// test media: every test and benchmark that needs one gets it here, cached in one directory,
// .cache/media/samples/, which a media server can serve as-is (files are named by sampleName()).
import path from 'node:path';
import { DEFAULT_SAMPLE, ensureSample, type SampleSpec } from '../../../src/cli/sample.ts';
import { resolveFfmpeg } from '../../../src/media/index.ts';
import { MEDIA_CACHE } from './cache.ts';

export { DEFAULT_SAMPLE, sampleCutFrames, sampleName, type SampleSpec } from '../../../src/cli/sample.ts';

/** Where ensureCutSample() puts its files. */
export const SAMPLE_DIR = path.join(MEDIA_CACHE, 'samples');

/** The sample for `spec` (default: the CLI's own, 1280x720, 15 s), built once. */
export async function ensureCutSample(spec: SampleSpec = DEFAULT_SAMPLE): Promise<string> {
  return ensureSample((await resolveFfmpeg()).ffmpeg, SAMPLE_DIR, spec);
}
