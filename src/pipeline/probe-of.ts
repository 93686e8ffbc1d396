// The probe stored on a video row is the one fetchSource wrote (media/probe.ts's Probe).
import type { Video } from '../db/index.ts';
import type { Probe } from '../media/index.ts';

export function probeOf(video: Pick<Video, 'probe'>): Probe | undefined {
  return (video.probe as Probe | null) ?? undefined;
}
