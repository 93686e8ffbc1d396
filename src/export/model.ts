// The one description of a video's clips that every edit list is rendered from.
import type { TimecodeRate } from './timecode.ts';

export type TimelineClip = {
  id: string;
  idx: number;
  startFrame: number;
  /** Exclusive. */
  endFrame: number;
  reviewState: string;
  /** The clip's group, when groups exist and the clip is in one. */
  group: string | null;
};

export type Timeline = {
  videoId: string;
  title: string;
  /** Where the media lives (the proxy's store URI, or a file URL). */
  mediaUrl: string;
  mediaFrames: number;
  width: number;
  height: number;
  hasAudio: boolean;
  audioChannels: number;
  rate: TimecodeRate;
  /** Clips in timeline order (by index), laid end to end on the record side. */
  clips: TimelineClip[];
  /** Whether the database has groups at all (migration of the review room). */
  groupsAvailable: boolean;
};

/** Record-side start (timeline frame) of each clip: clips are laid end to end. */
export function recordStarts(t: Timeline): number[] {
  let at = 0;
  return t.clips.map((c) => {
    const s = at;
    at += c.endFrame - c.startFrame;
    return s;
  });
}

export const clipName = (c: TimelineClip) => `clip ${String(c.idx + 1).padStart(3, '0')}`;
