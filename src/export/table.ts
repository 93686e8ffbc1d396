// CSV and JSON lists of a video's clips, for scripts and data sets: frames, seconds and timecodes.
import { recordStarts, type Timeline } from './model.ts';
import { framesToTimecode } from './timecode.ts';

const CSV_COLUMNS = [
  'index', 'clip_id', 'start_frame', 'end_frame', 'frames', 'start_s', 'end_s',
  'start_tc', 'end_tc', 'record_start_tc', 'review_state', 'group',
] as const;

function rows(t: Timeline) {
  const starts = recordStarts(t);
  const s = (f: number) => Math.round((f / t.rate.fps) * 1e6) / 1e6;
  return t.clips.map((c, i) => ({
    index: c.idx,
    clip_id: c.id,
    start_frame: c.startFrame,
    end_frame: c.endFrame,
    frames: c.endFrame - c.startFrame,
    start_s: s(c.startFrame),
    end_s: s(c.endFrame),
    start_tc: framesToTimecode(c.startFrame, t.rate),
    end_tc: framesToTimecode(c.endFrame, t.rate),
    record_start_tc: framesToTimecode(starts[i]!, t.rate),
    review_state: c.reviewState,
    group: c.group,
  }));
}

export function renderCsv(t: Timeline): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [CSV_COLUMNS.join(','), ...rows(t).map((r) => CSV_COLUMNS.map((k) => cell(r[k])).join(','))].join('\r\n') + '\r\n';
}

export function renderJson(t: Timeline): string {
  return `${JSON.stringify(
    {
      videoId: t.videoId,
      title: t.title,
      mediaUrl: t.mediaUrl,
      fps: t.rate.fps,
      timecodeRate: t.rate.nominal,
      dropFrame: t.rate.dropFrame,
      width: t.width,
      height: t.height,
      groupsAvailable: t.groupsAvailable,
      clips: rows(t),
    },
    null,
    2,
  )}\n`;
}
