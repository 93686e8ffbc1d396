// Decide whether the source can become the browser proxy by stream copy (cheap) or needs one encode.
import type { Probe } from './probe.ts';

export type ProxyMode = 'remux' | 'encode';
export type ProxyPlan = { mode: ProxyMode; reasons: string[] };

// "1080p" whatever the orientation: the long side at most 1920, the short side at most 1080, so a
// portrait 1080x1920 phone video is 1080p too (remuxed as is, or encoded at full size).
export const MAX_PROXY_LONG = 1920;
export const MAX_PROXY_SHORT = 1080;
const BROWSER_PIX_FMTS = new Set(['yuv420p', 'yuvj420p']);

/** Pure: `reasons` lists every rule that forces an encode (empty when remuxing). */
export function planProxy(p: Probe): ProxyPlan {
  const reasons: string[] = [];
  const v = p.video;
  if (!v) {
    reasons.push('no video stream');
    return { mode: 'encode', reasons };
  }
  if (v.codec !== 'h264') reasons.push(`video codec ${v.codec} is not h264`);
  if (!BROWSER_PIX_FMTS.has(v.pixFmt)) reasons.push(`pixel format ${v.pixFmt} is not yuv420p`);
  const long = Math.max(v.width, v.height);
  const short = Math.min(v.width, v.height);
  if (long > MAX_PROXY_LONG || short > MAX_PROXY_SHORT) reasons.push(`${v.width}x${v.height} is larger than 1080p`);
  if (p.audio && p.audio.codec !== 'aac') reasons.push(`audio codec ${p.audio.codec} is not aac`);
  return { mode: reasons.length === 0 ? 'remux' : 'encode', reasons };
}

/**
 * Output size of an encoded proxy: the displayed picture (after rotation, which ffmpeg applies
 * while decoding) scaled down to 1080p (long side 1920, short side 1080), never up, both sides even
 * (yuv420p needs it).
 */
export function proxyDimensions(v: { width: number; height: number; rotation?: number }): {
  width: number;
  height: number;
} {
  const swap = v.rotation === 90 || v.rotation === 270;
  const w = swap ? v.height : v.width;
  const h = swap ? v.width : v.height;
  const scale = Math.min(1, MAX_PROXY_LONG / Math.max(w, h), MAX_PROXY_SHORT / Math.min(w, h));
  const even = (x: number) => Math.max(2, Math.floor(x / 2) * 2);
  return { width: even(Math.round(w * scale)), height: even(Math.round(h * scale)) };
}
