// The catalogue of ffmpeg's synthetic (lavfi) sources the project renders its own media from: the
// CLI's sample video (cli/sample.ts) and every test-media generator (test/helpers/media/) pick their
// pictures and tone here, so a source is spelled one way everywhere. Each entry gives the source at
// a size and rate; a caller appends its own options (`:seed=...`, `,scale=...`) to the string.
// Nothing here runs ffmpeg.

/** The size and frame rate of a rendered picture. */
export interface Raster {
  width: number;
  height: number;
  fps: number;
}

const at = (r: Raster) => `size=${r.width}x${r.height}:rate=${r.fps}`;

/** ffmpeg's synthetic video sources, by the name the generators use. */
export const lavfi = {
  testsrc2: (r: Raster) => `testsrc2=${at(r)}`,
  testsrc: (r: Raster) => `testsrc=${at(r)}`,
  /** SMPTE RP 219 HD colour bars. */
  smptehdbars: (r: Raster) => `smptehdbars=${at(r)}`,
  /** SMPTE EG 1 SD colour bars. */
  smptebars: (r: Raster) => `smptebars=${at(r)}`,
  pal75bars: (r: Raster) => `pal75bars=${at(r)}`,
  rgbtestsrc: (r: Raster) => `rgbtestsrc=${at(r)}`,
  colorspectrum: (r: Raster) => `colorspectrum=${at(r)}:type=all`,
  /** A continuous zoom into the Mandelbrot set. */
  mandelbrot: (r: Raster) => `mandelbrot=${at(r)}`,
  /** Rule-110 cellular automaton. */
  cellauto: (r: Raster, seed: number) => `cellauto=${at(r)}:rule=110:seed=${seed}`,
  /** Conway's game of life. */
  life: (r: Raster, seed: number) => `life=${at(r)}:seed=${seed}`,
  sierpinski: (r: Raster, seed: number) => `sierpinski=${at(r)}:seed=${seed}`,
  /** Moving colour gradients; callers give colours and points (ffmpeg picks random ones). */
  gradients: (r: Raster) => `gradients=${at(r)}`,
  /** A flat colour, e.g. 0x2040c0. */
  color: (r: Raster, c: string) => `color=c=${c}:${at(r)}`,
} as const;

/** The tone every generated audio track carries: 440 Hz at 48 kHz, endless unless `seconds`. */
export function tone(seconds?: number): string {
  return `sine=frequency=440:sample_rate=48000${seconds === undefined ? '' : `:duration=${seconds}`}`;
}
