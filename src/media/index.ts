export { MediaError, isMediaError, type MediaErrorCode } from './errors.ts';
export { resolveFfmpeg, clearFfmpegCache, type FfmpegBins, type FfmpegPathConfig } from './ffmpeg-path.ts';
export { probe, type Probe, type VideoInfo, type AudioInfo } from './probe.ts';
export { planProxy, proxyDimensions, MAX_PROXY_LONG, MAX_PROXY_SHORT, type ProxyMode, type ProxyPlan } from './plan.ts';
export {
  makeProxy,
  buildFfmpegArgs,
  type MakeProxyOptions,
  type MakeProxyResult,
  type ProxyProgress,
} from './transcode.ts';
export { keyframeTimes } from './keyframes.ts';
export { mp4TopLevelAtoms, isFaststart, type Mp4Atom } from './mp4-atoms.ts';
