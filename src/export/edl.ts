// CMX3600 EDL: one cut event per clip, source in/out on the video's own timecode (from 00:00:00:00),
// record in/out laid end to end from 01:00:00:00. Reel "AX" (auxiliary) with the clip's source in
// a `* FROM CLIP NAME:` comment, as Premiere, Resolve and Avid expect for file-based media.
import { clipName, recordStarts, type Timeline } from './model.ts';
import { framesToTimecode } from './timecode.ts';

export const EDL_RECORD_START_HOURS = 1;

export function renderEdl(t: Timeline): string {
  const rate = t.rate;
  const lines = [`TITLE: ${ascii(t.title).slice(0, 70) || 'Heaters'}`, `FCM: ${rate.dropFrame ? 'DROP FRAME' : 'NON-DROP FRAME'}`, ''];
  const starts = recordStarts(t);
  const fileName = ascii(decodeURIComponent(t.mediaUrl.split('/').at(-1) ?? 'media'));
  t.clips.slice(0, 999).forEach((c, i) => {
    const len = c.endFrame - c.startFrame;
    const rec = starts[i]!;
    const tc = (f: number, off = 0) => framesToTimecode(f, rate, off);
    // Record timecode 01:00:00:00 is frame 108000 at 30 NDF, 107892 at 29.97 DF: count from that label.
    const recBase = recordBaseFrames(t);
    const track = t.hasAudio ? 'AA/V' : 'V';
    lines.push(
      `${String(i + 1).padStart(3, '0')}  ${'AX'.padEnd(8)} ${track.padEnd(5)} C        ` +
        `${tc(c.startFrame)} ${tc(c.endFrame)} ${tc(rec, recBase)} ${tc(rec + len, recBase)}`,
      `* FROM CLIP NAME: ${fileName}`,
      `* COMMENT: ${clipName(c)} id=${c.id} state=${c.reviewState}${c.group ? ` group=${ascii(c.group)}` : ''}`,
      '',
    );
  });
  return lines.join('\n');
}

/** The frame number that 01:00:00:00 stands for at this rate (drop-frame labels skip numbers). */
export function recordBaseFrames(t: Pick<Timeline, 'rate'>): number {
  const { nominal, dropFrame } = t.rate;
  const hours = EDL_RECORD_START_HOURS;
  if (!dropFrame) return hours * 3600 * nominal;
  const drop = nominal === 60 ? 4 : 2;
  const minutes = hours * 60;
  return hours * 3600 * nominal - drop * (minutes - Math.floor(minutes / 10));
}

/** EDLs are 7-bit text: anything else becomes '_'. */
function ascii(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '_');
}
