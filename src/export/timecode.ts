// SMPTE timecodes at a video's frame rate. NTSC rates (29.97 and 59.94) use drop-frame counting
// (frame numbers 0-1, or 0-3 at 59.94, are skipped at the start of every minute except each tenth),
// so the timecode keeps to the wall clock; 23.976 and every integer rate count non-drop.
export type TimecodeRate = {
  /** The real rate, frames per second (e.g. 29.97002997). */
  fps: number;
  /** Frames per timecode second (30 for 29.97). */
  nominal: number;
  dropFrame: boolean;
  /** Exact rational frame duration numerator/denominator in seconds: 1001/30000 for 29.97. */
  frameDuration: { num: number; den: number };
};

const near = (a: number, b: number) => Math.abs(a - b) < 0.01;

export function timecodeRate(fps: number): TimecodeRate {
  if (!(fps > 0)) throw new RangeError(`invalid frame rate ${fps}`);
  const nominal = Math.round(fps);
  const ntsc = !Number.isInteger(fps) && near(fps, (nominal * 1000) / 1001);
  const dropFrame = ntsc && (nominal === 30 || nominal === 60);
  const frameDuration = ntsc ? { num: 1001, den: nominal * 1000 } : Number.isInteger(fps) ? { num: 1, den: fps } : approx(fps);
  return { fps: ntsc ? (nominal * 1000) / 1001 : fps, nominal, dropFrame, frameDuration };
}

/** A rational 1/fps for odd rates (e.g. 12.5 → 2/25). */
function approx(fps: number): { num: number; den: number } {
  for (const num of [1, 2, 4, 5, 8, 10, 100, 1000]) {
    const den = fps * num;
    if (Math.abs(den - Math.round(den)) < 1e-6) return { num, den: Math.round(den) };
  }
  return { num: 1000, den: Math.round(fps * 1000) };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Frame number (from 0) → "hh:mm:ss:ff" ("hh:mm:ss;ff" drop-frame). `offsetFrames` is added first. */
export function framesToTimecode(frame: number, rate: TimecodeRate, offsetFrames = 0): string {
  let n = Math.round(frame + offsetFrames);
  if (n < 0) throw new RangeError(`negative frame ${n}`);
  const { nominal } = rate;
  if (rate.dropFrame) {
    const drop = nominal === 60 ? 4 : 2;
    const per10 = nominal * 600 - drop * 9; // 17982 at 29.97
    const perMin = nominal * 60 - drop; // 1798
    const d = Math.floor(n / per10);
    const m = n % per10;
    n += drop * 9 * d + (m > drop ? drop * Math.floor((m - drop) / perMin) : 0);
  }
  const ff = n % nominal;
  const s = Math.floor(n / nominal);
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${rate.dropFrame ? ';' : ':'}${pad(ff)}`;
}

/** "hh:mm:ss:ff" or "hh:mm:ss;ff" → frame number (inverse of framesToTimecode). */
export function timecodeToFrames(tc: string, rate: TimecodeRate): number {
  const m = /^(\d{2}):(\d{2}):(\d{2})[:;.,](\d{2})$/.exec(tc.trim());
  if (!m) throw new RangeError(`not a timecode: ${tc}`);
  const [hh, mm, ss, ff] = m.slice(1).map(Number) as [number, number, number, number];
  let n = (hh * 3600 + mm * 60 + ss) * rate.nominal + ff;
  if (rate.dropFrame) {
    const drop = rate.nominal === 60 ? 4 : 2;
    const minutes = hh * 60 + mm;
    n -= drop * (minutes - Math.floor(minutes / 10));
  }
  return n;
}

/** Frames → a rational time string for FCPXML: "3003/30000s" (0 is "0s"). */
export function rationalSeconds(frames: number, rate: TimecodeRate): string {
  if (frames === 0) return '0s';
  const { num, den } = rate.frameDuration;
  const n = frames * num;
  const g = gcd(n, den);
  return den / g === 1 ? `${n / g}s` : `${n / g}/${den / g}s`;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}
