// The test media, from one module: every video a test or benchmark feeds the daemon is generated
// here with ffmpeg's synthetic sources (the catalogue in src/media/sources.ts, shared with the CLI's
// sample), by the one ffmpeg the daemon resolves, cached once under .cache/ (cache.ts) and never
// committed. clips.ts: one file per container/codec kind, with cuts on known frames, broken files,
// the pool's testsrc2 clip; served.ts: the set a media server hands the downloader; samples.ts: the
// CLI's sample; scenes/: the scene-detection sets with their ground truth (dev, dev-wide, dev-extra, dev-format,
// dev-camera, dev-edit, dev-twin, heldout).
export { lavfi, tone } from '../../../src/media/sources.ts';
export { cutFrames, encodeOnce, ensureClip, frameCount, generate, generateBroken, type MediaSpec } from './clips.ts';
export { ensureSampleMedia, type SampleMedia } from './served.ts';
export { DEFAULT_SAMPLE, ensureCutSample, SAMPLE_DIR, SMALL_CUT_SAMPLE, sampleCutFrames, sampleName, type SampleSpec } from './samples.ts';
export { ensureDemoSample, ensureSceneSet, type DevName } from './scenes/dev.ts';
export { ensureWideSet, type WideName } from './scenes/dev-wide.ts';
export { ensureExtraSet, type ExtraName } from './scenes/dev-extra.ts';
export { ensureFormatSet, type FormatName } from './scenes/dev-format.ts';
export { ensureCameraSet, type CameraName } from './scenes/dev-camera.ts';
export { ensureEditSet, type EditName } from './scenes/dev-edit.ts';
export { ensureTwinSet, type TwinName } from './scenes/dev-twin.ts';
export { ensureHeldOutSet } from './scenes/heldout.ts';
export { acceptanceTolerance, matchCuts, scoreOf, scoreVideo } from './scenes/score.ts';
export type { SceneClass, SceneSet, SceneVideo } from './scenes/render.ts';
