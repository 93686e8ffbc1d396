// Edit lists of a video's clips (approved by default, or all): CMX3600 EDL, FCPXML 1.9,
// OpenTimelineIO JSON, CSV and JSON, at the video's frame rate, with groups when the database has them.
import type { Db } from '../db/index.ts';
import { getVideo, listArtefacts } from '../db/index.ts';
import { redactText } from '../log/index.ts';
import { proxyDimensions } from '../media/index.ts';
import type { Probe } from '../media/index.ts';
import { groupsAvailable, videoClips } from './db.ts';
import { renderEdl } from './edl.ts';
import { ExportError } from './errors.ts';
import { renderFcpxml } from './fcpxml.ts';
import type { Timeline } from './model.ts';
import { renderOtio } from './otio.ts';
import { renderCsv, renderJson } from './table.ts';
import { timecodeRate } from './timecode.ts';

export const TIMELINE_FORMATS = ['edl', 'fcpxml', 'otio', 'csv', 'json'] as const;
export type TimelineFormat = (typeof TIMELINE_FORMATS)[number];

export const TIMELINE_CONTENT_TYPES: Record<TimelineFormat, string> = {
  edl: 'text/plain; charset=us-ascii',
  fcpxml: 'application/xml',
  otio: 'application/json',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
};

export function renderTimeline(format: TimelineFormat, t: Timeline): string {
  switch (format) {
    case 'edl':
      return renderEdl(t);
    case 'fcpxml':
      return renderFcpxml(t);
    case 'otio':
      return renderOtio(t);
    case 'csv':
      return renderCsv(t);
    case 'json':
      return renderJson(t);
  }
}

/** Read a ready video and its clips into a Timeline. */
export async function loadTimeline(db: Db, videoId: string, state: 'approved' | 'all'): Promise<Timeline> {
  const video = await getVideo(db, videoId);
  if (!video) throw new ExportError('video_not_found', `video ${videoId} not found`);
  const probe = video.probe as Probe | null;
  const v = probe?.video;
  if (!v || !(v.fps > 0)) throw new ExportError('video_not_ready', `video ${videoId} has no probed video stream yet`);
  const proxy = (await listArtefacts(db, videoId)).find((a) => a.kind === 'proxy');
  const rate = timecodeRate(v.fps);
  const dims = proxyDimensions(v);
  const clips = await videoClips(db, videoId, state);
  const frames = v.frameCount ?? Math.round((video.durationS ?? probe.durationS) * rate.fps);
  return {
    videoId,
    title: video.title ?? `video ${videoId}`,
    mediaUrl: proxy?.storeUri ?? redactText(video.sourceUrl),
    mediaFrames: Math.max(frames, clips.at(-1)?.endFrame ?? 0),
    width: dims.width,
    height: dims.height,
    hasAudio: !!probe.audio,
    audioChannels: Math.min(2, probe.audio?.channels ?? 0),
    rate,
    groupsAvailable: await groupsAvailable(db),
    clips: clips.map((c) => ({
      id: c.id,
      idx: c.idx,
      startFrame: c.startFrame,
      endFrame: c.endFrame,
      reviewState: c.reviewState,
      group: c.groupId,
    })),
  };
}
