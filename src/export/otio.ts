// OpenTimelineIO JSON (.otio), as the reference implementation serializes it: a Timeline.1 whose
// Stack.1 holds one video Track.1 (and an audio track when the video has sound) of Clip.2 items,
// each with a TimeRange.1 source_range in RationalTime.1 at the video's rate and an
// ExternalReference.1 to the media. Heaters' clip id, state and group go in metadata.heaters; a
// group is also a marker over the clip.
import { clipName, type Timeline, type TimelineClip } from './model.ts';

const rt = (value: number, rate: number) => ({ OTIO_SCHEMA: 'RationalTime.1', rate, value });
const range = (start: number, duration: number, rate: number) => ({
  OTIO_SCHEMA: 'TimeRange.1',
  start_time: rt(start, rate),
  duration: rt(duration, rate),
});

export function renderOtio(t: Timeline): string {
  const rate = t.rate.fps;
  const mediaRef = () => ({
    OTIO_SCHEMA: 'ExternalReference.1',
    name: t.title,
    metadata: {},
    available_range: range(0, t.mediaFrames, rate),
    available_image_bounds: null,
    target_url: t.mediaUrl,
  });
  const clip = (c: TimelineClip) => ({
    OTIO_SCHEMA: 'Clip.2',
    name: clipName(c),
    metadata: { heaters: { clipId: c.id, index: c.idx, reviewState: c.reviewState, group: c.group } },
    source_range: range(c.startFrame, c.endFrame - c.startFrame, rate),
    effects: [],
    markers: c.group
      ? [{
          OTIO_SCHEMA: 'Marker.2',
          name: c.group,
          metadata: { heaters: { group: c.group } },
          color: 'GREEN',
          marked_range: range(c.startFrame, 0, rate),
          comment: '',
        }]
      : [],
    enabled: true,
    media_references: { DEFAULT_MEDIA: mediaRef() },
    active_media_reference_key: 'DEFAULT_MEDIA',
  });
  const track = (name: string, kind: 'Video' | 'Audio') => ({
    OTIO_SCHEMA: 'Track.1',
    name,
    metadata: {},
    source_range: null,
    effects: [],
    markers: [],
    enabled: true,
    children: t.clips.map(clip),
    kind,
  });
  const timeline = {
    OTIO_SCHEMA: 'Timeline.1',
    metadata: { heaters: { videoId: t.videoId, dropFrame: t.rate.dropFrame } },
    name: t.title,
    global_start_time: rt(0, rate),
    tracks: {
      OTIO_SCHEMA: 'Stack.1',
      metadata: {},
      name: 'tracks',
      source_range: null,
      effects: [],
      markers: [],
      enabled: true,
      children: [track('V1', 'Video'), ...(t.hasAudio ? [track('A1', 'Audio')] : [])],
    },
  };
  return `${JSON.stringify(timeline, null, 4)}\n`;
}
