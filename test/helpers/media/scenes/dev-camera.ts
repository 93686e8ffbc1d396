// The CAMERA development set: a fifth set to tune on, aimed at how real footage moves that the other
// four do not render. Footage made at a lower frame rate and shown at 30 (every picture twice, as
// 15 fps footage or animation on twos; 24 fps footage with a repeated frame every few frames), things
// crossing the frame in front of the camera (a block of another photograph passing over a still, a
// drifting or a panning shot), motion blur over whips and fast pans, and crash zooms. Every
// photograph is a development one (none of heldout.ts's), it was written without reading heldout.ts
// or any held-out error, and parameters may be tuned on it (README, Scene detection).
import { ensureSet, f, HARD, hardJoins, type SceneSet, type SetOptions, type Shot, type VideoSpec } from './render.ts';

/** Sensor grain in every shot, before its cadence: footage made at 15 or 24 fps repeats its grain too. */
const grain = (noise: number, shots: Shot[]): Shot[] => shots.map((s) => ({ noise, ...s }));

export const CAMERA_SPECS = {
  // Hard cuts between shots made at 15 and 24 fps (their repeated frames are no change at all) and
  // at 30, moving and still, some between two framings of one photograph.
  c_hard_cadence: {
    cls: 'hard',
    shots: grain(4, [
      { src: 'photo:Altai', frames: 44, motion: 'pan', cadence: 'twos' },
      { src: 'photo:Altai@0.2,0.6', frames: 38, motion: 'drift', cadence: 'twos' },
      { src: 'photo:Cascade', frames: 40, motion: 'shake', cadence: 'film' },
      { src: 'photo:Kay@0.4,0.5', frames: 36, motion: 'fastpan', cadence: 'twos' },
      { src: 'photo:mate.Garden', frames: 42, motion: 'zoomin', cadence: 'film' },
      { src: 'photo:IceCold', frames: 30, motion: 'drift' },
      { src: 'photo:IceCold@0.7,0.3', frames: 46, motion: 'whip', cadence: 'twos' },
      { src: 'photo:SafeLanding', frames: 40, motion: 'rotate', cadence: 'film' },
      { src: 'photo:mate.Dune@0.6,0.5', frames: 20, motion: 'pan', cadence: 'twos' },
      { src: 'photo:Patak', frames: 44, motion: 'zoomout', cadence: 'twos' },
      { src: 'photo:Elarun@0.6,0.4', frames: 38, motion: 'shake', cadence: 'film', tone: 'dark' },
      { src: 'photo:Elarun@0.3,0.6', frames: 40, motion: 'drift', cadence: 'film', tone: 'dark' },
    ]),
    joins: hardJoins(11),
    bpp: 0.05,
  },
  // Blocks of other photographs crossing the frame in front of the camera (a passer-by, a car close
  // to the lens), covering up to 60% of the width, in 10-40 frames: no cut while they pass. Real
  // cuts between the shots.
  c_motion_passer: {
    cls: 'motion',
    shots: grain(4, [
      { src: 'photo:Canopee', frames: 60, motion: 'none', passer: { src: 'photo:Honeywave@0.3,0.5', size: 0.4, start: 10, frames: 24 } },
      { src: 'photo:Flow', frames: 70, motion: 'drift', passer: { src: 'photo:mate.Wood@0.5,0.5', size: 0.6, start: 20, frames: 14 } },
      { src: 'photo:Kokkini@0.4,0.4', frames: 60, motion: 'pan', passer: { src: 'photo:MilkyWay', size: 0.3, start: 5, frames: 40 } },
      { src: 'photo:Cluster', frames: 55, motion: 'drift', passer: { src: 'photo:Shell', size: 0.5, start: 16, frames: 10 } },
      { src: 'photo:mate.Aqua', frames: 64, motion: 'shake', passer: { src: 'photo:mate.Storm', size: 0.45, start: 8, frames: 20 } },
      { src: 'photo:Volna@0.3,0.5', frames: 50, motion: 'none', passer: { src: 'photo:Opal', size: 0.6, start: 12, frames: 18 }, cadence: 'twos' },
      { src: 'photo:ColdRipple@0.6,0.6', frames: 66, motion: 'zoomin', passer: { src: 'photo:FallenLeaf', size: 0.35, start: 20, frames: 12 } },
      { src: 'photo:mate.YellowFlower', frames: 56, motion: 'drift', passer: { src: 'photo:DarkestHour', size: 0.55, start: 14, frames: 26 }, cadence: 'film' },
    ]),
    joins: hardJoins(7),
    bpp: 0.05,
  },
  // Whips, fast pans and crash zooms smeared by motion blur, some at 15 fps, hard cuts between them
  // and into and out of still shots.
  c_motion_blur: {
    cls: 'motion',
    shots: grain(3, [
      { src: 'photo:BytheWater@0.4,0.5', frames: 50, motion: 'whip', blur: true },
      { src: 'photo:EveningGlow', frames: 46, motion: 'crash', blur: true },
      { src: 'photo:mate.GreenMeadow@0.5,0.5', frames: 40, motion: 'fastpan', blur: true, cadence: 'twos' },
      { src: 'photo:FlyingKonqui', frames: 36, motion: 'none' },
      { src: 'photo:mate.RainDrops', frames: 50, motion: 'crash', blur: true, cadence: 'film' },
      { src: 'photo:Autumn@0.3,0.4', frames: 48, motion: 'whip', blur: true, cadence: 'twos' },
      { src: 'photo:Honeywave', frames: 44, motion: 'shake', blur: true },
      { src: 'photo:mate.LadyBird', frames: 40, motion: 'crash', blur: true },
      { src: 'photo:Kay', frames: 52, motion: 'whip', blur: true, tone: 'flat' },
      { src: 'photo:mate.TwoWings@0.4,0.5', frames: 40, motion: 'drift' },
    ]),
    joins: hardJoins(9),
    bpp: 0.05,
  },
  // Hard cuts with something crossing the frame just before or just after them, between 24 fps
  // shots of one place (two framings of one photograph), dark and hazy ones among them.
  c_hard_mix: {
    cls: 'hard',
    shots: grain(5, [
      { src: 'photo:Shell@0.3,0.5', frames: 40, motion: 'drift', cadence: 'film', passer: { src: 'photo:Patak', size: 0.4, start: 20, frames: 18 } },
      { src: 'photo:Shell@0.7,0.4', frames: 36, motion: 'drift', cadence: 'film', passer: { src: 'photo:Patak@0.2,0.5', size: 0.4, start: 0, frames: 16 } },
      { src: 'photo:mate.Blinds', frames: 40, motion: 'pan', tone: 'flat' },
      { src: 'photo:mate.Blinds@0.3,0.7', frames: 34, motion: 'pan', tone: 'flat', cadence: 'twos' },
      { src: 'photo:MilkyWay@0.5,0.5', frames: 40, motion: 'shake', tone: 'dark' },
      { src: 'photo:MilkyWay@0.2,0.3', frames: 40, motion: 'drift', tone: 'dark', passer: { src: 'photo:Kokkini', size: 0.3, start: 6, frames: 24 } },
      { src: 'photo:mate.FreshFlower', frames: 44, motion: 'zoomout', cadence: 'film' },
      { src: 'photo:Canopee@0.7,0.6', frames: 38, motion: 'whip', blur: true },
      { src: 'photo:Canopee@0.3,0.3', frames: 40, motion: 'drift', passer: { src: 'photo:Cascade', size: 0.5, start: 24, frames: 16 } },
      { src: 'photo:Opal@0.5,0.5', frames: 40, motion: 'rotate', cadence: 'twos' },
      { src: 'photo:Volna', frames: 42, motion: 'crash', blur: true },
      { src: 'photo:Volna@0.7,0.6', frames: 40, motion: 'drift' },
    ]),
    joins: hardJoins(11),
    bpp: 0.04,
    keyint: 90,
  },
  // Flashes and strobes of 2-10 frames over 15 fps footage, under a passer-by, and over a blurred
  // whip; two real cuts.
  c_flash: {
    cls: 'flash',
    shots: grain(3, [
      { src: 'photo:Cluster@0.4,0.5', frames: 150, motion: 'pan', cadence: 'twos', passer: { src: 'photo:Altai', size: 0.4, start: 40, frames: 30 } },
      { src: 'photo:mate.Dune', frames: 140, motion: 'whip', blur: true },
      { src: 'photo:Flow@0.5,0.5', frames: 130, motion: 'shake', cadence: 'film' },
    ]),
    joins: hardJoins(2),
    flashes: [
      f(20, 3, 'white'), f(50, 6, 'overexposed'), f(95, 8, 'strobe'), f(125, 4, 'partial'),
      f(170, 2, 'white'), f(200, 10, 'overexposed'), f(240, 7, 'strobe'), f(320, 5, 'white'),
      f(350, 9, 'partial'), f(385, 6, 'overexposed'),
    ],
    bpp: 0.05,
  },
  // A near-still 15 fps shot with a small object drifting slowly across it, then a cut to another.
  c_static: {
    cls: 'static',
    shots: grain(5, [
      { src: 'photo:mate.Wood@0.5,0.5', frames: 220, motion: 'drift', cadence: 'twos', passer: { src: 'photo:EveningGlow', size: 0.12, start: 30, frames: 160 } },
      { src: 'photo:Kay@0.6,0.4', frames: 180, motion: 'drift', cadence: 'film' },
    ]),
    joins: [HARD],
    bpp: 0.04,
  },
} satisfies Record<string, VideoSpec>;
export type CameraName = keyof typeof CAMERA_SPECS;

/** The camera development set at one size (320x180@30 by default; 1280x720@30 and 1920x1080@30 for the bench). */
export function ensureCameraSet(opts: SetOptions = {}): Promise<SceneSet<CameraName>> {
  return ensureSet('devcamera', CAMERA_SPECS, { width: 320, height: 180, fps: 30, ...opts });
}
