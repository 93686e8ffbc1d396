// zod mirror of the Python op detect_scenes (python/heaters_worker/ops/detect_scenes.py).
import { z } from 'zod';

/**
 * Per-ingest overrides of the detector's parameters: a mirror of the one typed table in
 * python/heaters_worker/scenes/params.py (same keys, types and ranges; test/scenes.test.ts checks
 * that they agree). Every threshold the detector uses is here; see the README (Scene detection).
 */
const DetectParamsShape = z.object({
    /** hue counts only where saturation and value are both at least this (0-255) */
    hue_min_sv: z.number().int().min(0).max(255),
    /** rows and columns at the frame's edges never brighter than this on average (HSV value, 0-255) on any frame are black bars (-1 = off) */
    bar_value: z.number().min(-1).max(255),
    /** ... unless the picture left would be under this share of the frame (a mostly black video) */
    bar_min_picture: z.number().min(0).max(1),
    /** frames each side for the local reference (median) */
    window: z.number().int().min(1).max(300),
    /** content score (HSV, 0-255) a cut needs at least */
    content_min: z.number().min(0),
    /** ... and this many times the local median */
    content_ratio: z.number().min(0),
    /** histogram distance (0-1) a colour-only cut needs at least */
    hist_min: z.number().min(0).max(1),
    /** ... and this many times the local median */
    hist_ratio: z.number().min(0),
    /** ... plus this (a still shot has a median near 0) */
    hist_floor: z.number().min(0).max(1),
    /** content score a colour-only cut needs at least */
    hist_content_min: z.number().min(0),
    /** a cut's jump must be at least this share of the change over the frames around it */
    concentration: z.number().min(0).max(1),
    /** ... over this many frames (i-3 .. i+2) */
    concentration_lag: z.number().int().min(2).max(6),
    /** a frame whose content and thumbnail changes are both at most this share of each neighbour's repeats the picture before it (footage made at 15 or 24 fps shown at 30); in the local references and beside a candidate it counts as its neighbours' smaller change (0 = off) */
    repeat_share: z.number().min(0).max(1),
    /** a jump whose content and thumbnail changes are both under this many times the smaller of its two neighbours' is motion going on, no cut, unless its colours jump by colour_cut_hist (a stop-and-go whip over a fine texture; 0 = off) */
    isolation: z.number().min(0),
    /** the thumbnail (BGR, 0-255) must change by at least this across a cut (a keyframe's quality step at a web bitrate changes detail, not the picture) */
    cut_thumb_min: z.number().min(0).max(255),
    /** the thumbnail's jump must be at least this share of its change from i-lag to i-1+lag (a web encode's keyframe inside a fade catches up in one frame) */
    thumb_concentration: z.number().min(0).max(2),
    /** ... unless the colours jump by at least this (histogram distance, 0-1) in that one frame: a cut between two moving shots of other colours (1.01 = off) */
    colour_cut_hist: z.number().min(0).max(1.01),
    /** ... with this lag (1 = off) */
    thumb_concentration_lag: z.number().int().min(1).max(16),
    /** or, off keyframes, a quiet cut: a thumbnail jump and a histogram jump of at least this many times their local medians (0 = off) ... */
    quiet_ratio: z.number().min(0),
    /** ... the thumbnail's at least this (0-255), under cut_thumb_min (a cut between two dark or hazy shots) ... */
    quiet_thumb_min: z.number().min(0).max(255),
    /** ... the histogram's at least this (a keyframe's quality step hardly moves the colours) ... */
    quiet_hist: z.number().min(0).max(1),
    /** ... and edges that do not line up across it: correlation at most this */
    quiet_edges: z.number().min(-1).max(1),
    /** or, on a keyframe or not and whatever the colours do, edges that correlate at most this across the jump (the picture's structure changed: a cut between two framings of a grey picture; -1 = off) */
    quiet_grey_edges: z.number().min(-1).max(1),
    /** or, on a keyframe or not, a colour jump: the histogram's jump at least this many times its local median (0 = off) ... */
    quiet_colour_ratio: z.number().min(0),
    /** ... and at least this (0-1) ... */
    quiet_colour_hist: z.number().min(0).max(1),
    /** ... the thumbnail's at least this (0-255), under cut_thumb_min, and the content's over content_ratio times its local median (unboosted) and hist_content_min ... */
    quiet_colour_thumb: z.number().min(0).max(255),
    /** ... with edges that correlate at most this across it: a cut between two framings of a dim or hazy photograph, on a keyframe too (a keyframe's quality step keeps the colours and the edges) */
    quiet_colour_edges: z.number().min(-1).max(1),
    /** ... and, on a keyframe, each of this many frames before it changed the thumbnail (0 = no such check) ... */
    quiet_colour_lead: z.number().int().min(0).max(16),
    /** ... by at least this share of the jump (a starved encode froze the frames before its catch-up keyframe; a slow pan's frames before a cut keep moving) */
    quiet_colour_moving: z.number().min(0).max(1),
    /** ... or, when one side's own change is at most this share of the other's, of the change on that calm side alone (a cut into fast motion; 0 = off) */
    thumb_concentration_one_side: z.number().min(0).max(1),
    /** ... and then the new frame must not be the old one moved: shifts of up to this many thumbnail pixels each way are tried ... */
    pan_shift: z.number().int().min(0).max(8),
    /** ... and a best shifted distance of at most this share of the jump is a pan starting, no cut */
    pan_moved: z.number().min(0).max(1),
    /** or: a moving picture that stops dead is a cut (the stop route): after the jump each of stop_still_frames frames changes the content by at most this share of it (0 = off) ... */
    stop_still_share: z.number().min(0).max(1),
    /** ... over this many frames (a starved encode's freeze ends at its next keyframe) ... */
    stop_still_frames: z.number().int().min(1).max(60),
    /** ... before it the stop_moving_frames frames changed by at least this share of it (a camera slows down over frames; a cut from a shaken or panned framing to a still one of the same scene changes no more than the shake did) ... */
    stop_moving_share: z.number().min(0).max(1),
    /** ... over this many frames (a crash zoom moves for 6, 8 with motion blur), ... */
    stop_moving_frames: z.number().int().min(1).max(60),
    /** ... all but this many of them (a shake's turns barely move) ... */
    stop_moving_slack: z.number().int().min(0).max(59),
    /** ... and the jump changes the content by at least this (HSV, 0-255) */
    stop_content_min: z.number().min(0),
    /** a jump whose thumbnails' edges correlate at least this much (luma gradients, -1..1) ... (2 = off) */
    reexposed_edges: z.number().min(-1).max(2),
    /** ... and whose histogram distance is below this is the same picture re-exposed (a web keyframe catching up), no cut */
    reexposed_hist: z.number().min(0).max(1),
    /** a jump whose median lit thumbnail cell changes by less than this share of the mean change is confined to part of the picture (a picture-in-picture window or a graphic coming or going), no cut (0 = off) ... */
    local_share: z.number().min(0).max(1),
    /** ... cells black in both frames (mean BGR at most this) left out: the dark half of a night shot changes nothing at a cut */
    local_dark: z.number().min(0).max(255),
    /** a jump whose change outside its most-changed band of rows (this share of them) ... */
    caption_band: z.number().min(0).max(1),
    /** ... is under this share of the whole frame's change (0 = off) ... */
    caption_share: z.number().min(0).max(1),
    /** ... and under this many times those rows' own change from frame to frame around it ... */
    caption_rest: z.number().min(0),
    /** ... plus this (BGR, 0-255; a still picture's rows hardly change) is a caption or a subtitle coming or going, no cut */
    caption_floor: z.number().min(0).max(255),
    /** or: the median thumbnail cell changing by at least this (BGR, 0-255: most of the picture at once) ... */
    wide_min: z.number().min(0).max(255),
    /** ... and this many times its local median is a cut too (something crossing part of the frame raises the other routes' references, not this one's; 0 = off) */
    wide_ratio: z.number().min(0),
    /** or: a thumbnail jump of at least this ... (two framings of one photograph: similar colours, other picture) */
    thumb_min: z.number().min(0).max(255),
    /** ... and this many times its local median is a cut too */
    thumb_ratio: z.number().min(0),
    /** longest flash or strobe, in frames */
    max_flash: z.number().int().min(0).max(30),
    /** returned if the before/after distance is at most this share of the spike */
    flash_return: z.number().min(0).max(1),
    /** or, over moving pictures, at most this many times the shot's own change over the same span */
    flash_motion: z.number().min(0),
    /** ... and then the flash frames are at least this much brighter (0-255) than both ends */
    flash_luma: z.number().min(0).max(255),
    /** a return by colours alone (the histograms, not the picture) needs the frames between at least this much brighter (0-255) than both ends (-255 = off) */
    flash_hist_lift: z.number().min(-255).max(255),
    /** no flash but a cutaway (two cuts) when the frames between keep at most this edge correlation with both ends (their median; -1 = off) ... */
    cutaway_edges: z.number().min(-1).max(1),
    /** ... are brighter than both ends by less than this (0-255, their median luma) ... */
    cutaway_lift: z.number().min(0).max(255),
    /** ... each shows a picture (thumbnail std above this) ... */
    cutaway_std: z.number().min(0).max(255),
    /** ... and their colours differ from both ends' by at least this histogram distance (median): an insert of another shot, not light on this one nor the take whipped away and back. Inserts shorter than min_scene_len stay flashes */
    cutaway_hist: z.number().min(0).max(1),
    /** look for gradual transitions at all */
    gradual: z.boolean(),
    /** frame distances at which thumbnails are compared (a transition of up to about the largest one) */
    gradual_lags: z.array(z.number().int().min(4).max(512)).min(1),
    /** thumbnail distance across the transition (BGR, 0-255) */
    gradual_min: z.number().min(0),
    /** ... and this many times the change over side_lag frames just outside */
    gradual_ratio: z.number().min(0),
    /** ... plus this (noise floor of a still shot) */
    gradual_floor: z.number().min(0),
    /** or: histogram distance across the transition at least this */
    gradual_hist_min: z.number().min(0).max(1),
    /** ... and this many times the histogram change just outside */
    gradual_hist_ratio: z.number().min(0),
    /** ... plus this */
    gradual_hist_floor: z.number().min(0).max(1),
    /** the histogram route still needs this share of gradual_min in thumbnail distance */
    gradual_hist_content: z.number().min(0),
    /** a transition whose largest one-frame change is at least this share of the change between its ends is a step, judged by the hard pass (2 = off) */
    gradual_step: z.number().min(0).max(2),
    /** span of the change measured just outside the window (motion saturates within it) */
    side_lag: z.number().int().min(2).max(64),
    /** max over this many neighbouring side pairs each way (a shake may line up once) */
    side_spread: z.number().int().min(0).max(16),
    /** the centre of a run is the middle of the frames within this share of its peak */
    gradual_top: z.number().min(0).max(1),
    /** per transition, the smallest lag that sees this share of the largest change */
    gradual_pick: z.number().min(0).max(1),
    /** a longer window that reaches more than this share of half a shorter-lag transition's window into it (without holding it) sees two transitions and is dropped (2 = never) */
    gradual_straddle: z.number().min(0).max(2),
    /** the refined ends must differ by at least this share of the detected change */
    gradual_keep: z.number().min(0).max(1),
    /** ends alike in colours must differ by this many times the ratio threshold ... */
    gradual_distinct: z.number().min(0),
    /** ... or the change be this concentrated (see gradual_steady) */
    distinct_steady: z.number().min(0),
    /** the middle frame must be a blend or a wipe of the two ends (0 = exactly) */
    gradual_mix: z.number().min(0),
    /** the middle frame seen as one end zoomed into (1.1-2x) this closely, as a share of its plain distance to that end, is a zoom, no transition (0 = off) */
    gradual_zoom: z.number().min(0).max(1),
    /** the change just outside must stay below this share of the change across the middle, at the same lag (a steady zoom or pan: ~0.65-1) */
  gradual_steady: z.number().min(0),
    /** after merging, a blend is checked again with each side's calm looked for only up to the neighbouring transitions: it must stay below this share (a slice of a steadily morphing shot between two transitions: ~0.85) */
    bounded_steady: z.number().min(0),
    /** a fade through a colour: the farthest frame fitted as x*A + y*B + z has x + y below this */
    through_colour: z.number().min(0).max(2),
    /** ... and is this much farther from both ends together than the ends are apart */
    through_total: z.number().min(1),
    /** a frame is away from an end if further than this share of the ends' distance plus the end's drift */
    through_away: z.number().min(0).max(1),
    /** ... a shot's own drift is measured over at most this many frames outside the window */
    drift_reach: z.number().int().min(1).max(512),
    /** two consecutive gradual cuts with a frame this flat (thumbnail std) halfway are one fade through a colour */
    uniform_std: z.number().min(0).max(255),
    /** ... or with the picture changing all the way between them at this share of their average rate ... */
    merge_rate: z.number().min(0),
    /** ... and the frame halfway made of their outer ends this closely (cf. gradual_mix) */
    merge_mix: z.number().min(0),
    /** a merged transition is located again over its parts' span widened by this share each side */
    merge_extend: z.number().min(0).max(1),
    /** a wipe: the middle is made of whole pixels of the ends, this much closer than to their average */
    wipe_pick: z.number().min(0).max(1),
    /** pixels whose ends differ by at least this (sum over BGR) time a wipe's edge */
    wipe_informative: z.number().int().min(0).max(765),
    /** frames averaged on each side of a step in the frame-to-frame change */
    step_width: z.number().int().min(1).max(16),
    /** a step counts when it is this many times the jitter just outside ... */
    step_jitter: z.number().min(0),
    /** ... and at least this share of the blend's per-frame change */
    step_share: z.number().min(0).max(1),
    /** a gradual candidate within half its lag plus this of a hard cut is that hard cut */
    near_hard: z.number().int().min(0).max(64),
    /** a candidate at a keyframe needs only this share of the ratio thresholds */
    keyframe_boost: z.number().min(0).max(1),
    /** cuts closer than this to a stronger one are dropped */
    min_scene_len: z.number().int().min(0),
    /** a cut whose evidence is this many times its threshold has confidence 1 */
    confidence_margin: z.number().min(1),
    /** skip the H.264 deblocking filter on the decode path */
    fast_decode: z.boolean(),
    /** kill ffmpeg when it produces no frame for this long */
    stall_timeout_s: z.number().min(0.001),
});
export const DetectParams = DetectParamsShape.partial().strict();
export type DetectParams = z.infer<typeof DetectParams>;

/** The detector's defaults (tuned on the development set only), as Python resolves them. */
export const DETECT_DEFAULTS: z.infer<typeof DetectParamsShape> = {
  hue_min_sv: 40,
  bar_value: 24.0,
  bar_min_picture: 0.3,
  window: 15,
  content_min: 8.0,
  content_ratio: 3.0,
  hist_min: 0.45,
  hist_ratio: 4.0,
  hist_floor: 0.02,
  hist_content_min: 6.0,
  concentration: 0.5,
  concentration_lag: 5,
  repeat_share: 0.1,
  isolation: 3.0,
  cut_thumb_min: 12.0,
  thumb_concentration: 0.75,
  colour_cut_hist: 0.75,
  thumb_concentration_lag: 4,
  quiet_ratio: 8.0,
  quiet_thumb_min: 3.0,
  quiet_hist: 0.1,
  quiet_edges: 0.7,
  quiet_grey_edges: -0.2,
  quiet_colour_ratio: 10.0,
  quiet_colour_hist: 0.15,
  quiet_colour_thumb: 6.0,
  quiet_colour_edges: 0.2,
  quiet_colour_lead: 4,
  quiet_colour_moving: 0.1,
  thumb_concentration_one_side: 0.2,
  pan_shift: 3,
  pan_moved: 0.5,
  stop_still_share: 0.1,
  stop_still_frames: 10,
  stop_moving_share: 0.25,
  stop_moving_frames: 12,
  stop_moving_slack: 2,
  stop_content_min: 4.0,
  reexposed_edges: 0.85,
  reexposed_hist: 0.5,
  local_share: 0.15,
  local_dark: 24.0,
  caption_band: 0.3,
  caption_share: 0.3,
  caption_rest: 1.5,
  caption_floor: 0.25,
  wide_min: 12.0,
  wide_ratio: 8.0,
  thumb_min: 14.0,
  thumb_ratio: 4.0,
  max_flash: 10,
  flash_return: 0.35,
  flash_motion: 1.3,
  flash_luma: 20.0,
  flash_hist_lift: 5.0,
  cutaway_edges: 0.2,
  cutaway_lift: 60.0,
  cutaway_std: 20.0,
  cutaway_hist: 0.3,
  gradual: true,
  gradual_lags: [16, 32, 64, 128, 192],
  gradual_min: 14.0,
  gradual_ratio: 3.0,
  gradual_floor: 2.0,
  gradual_hist_min: 0.3,
  gradual_hist_ratio: 4.0,
  gradual_hist_floor: 0.03,
  gradual_hist_content: 0.6,
  gradual_step: 0.7,
  side_lag: 12,
  side_spread: 3,
  gradual_top: 0.95,
  gradual_pick: 0.85,
  gradual_straddle: 0.25,
  gradual_keep: 0.5,
  gradual_distinct: 2.0,
  distinct_steady: 0.15,
  gradual_mix: 0.4,
  gradual_zoom: 0.3,
  gradual_steady: 0.55,
  bounded_steady: 0.7,
  through_colour: 0.5,
  through_total: 1.3,
  through_away: 0.1,
  drift_reach: 24,
  uniform_std: 10.0,
  merge_rate: 0.5,
  merge_mix: 0.25,
  merge_extend: 0.15,
  wipe_pick: 0.6,
  wipe_informative: 90,
  step_width: 4,
  step_jitter: 3.0,
  step_share: 0.33,
  near_hard: 2,
  keyframe_boost: 1,
  min_scene_len: 8,
  confidence_margin: 2.0,
  fast_decode: true,
  stall_timeout_s: 60.0,
};

export const DetectScenesArgs = z.object({
  /** The local proxy (H.264 MP4). */
  path: z.string().min(1),
  fps: z.number().positive(),
  /** From the probe; used for progress percent and to reject a truncated decode (< 90%). */
  frame_count: z.number().int().positive().optional(),
  /** Keyframe (IDR) times in seconds, from the preprocess stage. */
  keyframe_times: z.array(z.number().nonnegative()).optional(),
  params: DetectParams.optional(),
  /** Raw analysis frames written by the preprocess encode (see analysis.ts); decoded from path if absent or missing. */
  frames_path: z.string().min(1).optional(),
  frame_width: z.number().int().positive().optional(),
  frame_height: z.number().int().positive().optional(),
  /** ffmpeg binary. Default "ffmpeg". */
  ffmpeg: z.string().min(1).optional(),
});
export type DetectScenesArgs = z.infer<typeof DetectScenesArgs>;

export const SceneCut = z.object({
  /** Hard: first frame of the new shot. Gradual: middle frame of the transition. */
  frame: z.number().int().nonnegative(),
  time: z.number().nonnegative(),
  /** Content distance across the cut, 0-255 (HSV for hard cuts, BGR thumbnails for gradual ones). */
  score: z.number().nonnegative(),
  kind: z.enum(['hard', 'gradual']),
  /**
   * 0-1: how far the cut's weakest evidence clears its threshold (log scale; 0 = just at a
   * threshold, 1 = confidence_margin times it or more). Detector 2.0.0 on; absent in older results.
   */
  confidence: z.number().min(0).max(1).optional(),
});
export type SceneCut = z.infer<typeof SceneCut>;

/** A clip spans [start_frame, end_frame) and [start_time, end_time): END IS EXCLUSIVE. */
export const SceneClip = z.object({
  index: z.number().int().nonnegative(),
  start_frame: z.number().int().nonnegative(),
  /** Exclusive: the next clip's start_frame (the frame count for the last clip). */
  end_frame: z.number().int().positive(),
  start_time: z.number().nonnegative(),
  /** Exclusive, = end_frame / fps. */
  end_time: z.number().positive(),
  /** Latest keyframe at or before start_time (0 when no keyframe list was given): stream-copy seek point. */
  keyframe_time: z.number().nonnegative(),
});
export type SceneClip = z.infer<typeof SceneClip>;

export const DetectScenesResult = z.object({
  /** Name, version and the full resolved parameters: enough to re-run and compare. */
  detector: z.object({ name: z.string(), version: z.string(), params: z.record(z.string(), z.unknown()) }),
  fps: z.number().positive(),
  frame_count: z.number().int().positive(),
  cuts: z.array(SceneCut),
  /** Consecutive, covering [0, frame_count). */
  clips: z.array(SceneClip).min(1),
  stats: z.object({
    decode_s: z.number().nonnegative(),
    analyse_s: z.number().nonnegative(),
    frames: z.number().int().nonnegative(),
    /** "decode" (ffmpeg on path) or "frames_file" (the preprocess encode's frames). */
    source: z.enum(['decode', 'frames_file']).optional(),
  }),
});
export type DetectScenesResult = z.infer<typeof DetectScenesResult>;

/** Progress data sent while the op runs (about every 0.5 s). */
export const DetectScenesProgress = z.object({
  stage: z.literal('detect'),
  frames_done: z.number().int().nonnegative(),
  frame_count: z.number().int().nonnegative().nullable(),
  percent: z.number().min(0).max(100).nullable(),
});
export type DetectScenesProgress = z.infer<typeof DetectScenesProgress>;
