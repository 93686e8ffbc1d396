// Keyframe timestamps of the first video stream, read from packet flags: the demuxer's index
// (MP4 stss, Matroska cues/block flags) is enough, nothing is decoded. Measured on a 30 s 720p
// file: 56 ms (H.264 MP4) / 50 ms (VP9 WebM) versus 85 ms / 650 ms for
// `-skip_frame nokey -show_entries frame=pts_time`, which also returns EVERY frame for VP9
// because that decoder ignores skip_frame.
import { execa } from 'execa';
import { dieWithParent } from './child.ts';
import { z } from 'zod';
import { MediaError } from './errors.ts';
import type { FfmpegBins } from './ffmpeg-path.ts';

const seconds = z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number);

/** Sorted, de-duplicated presentation times (seconds, as stored in the file) of keyframes. */
export async function keyframeTimes(file: string, bins: Pick<FfmpegBins, 'ffprobe'>): Promise<number[]> {
  const res = await execa(
    ...dieWithParent(bins.ffprobe, [
      '-v', 'error', '-hide_banner',
      '-select_streams', 'v:0',
      '-show_entries', 'packet=pts_time,dts_time,flags',
      '-of', 'compact=p=0:nk=0',
      '--', file,
    ]),
    { reject: false, stdin: 'ignore', timeout: 300_000, maxBuffer: 512 * 1024 * 1024 },
  );
  if (res.exitCode !== 0 || res.failed) {
    const tail = String(res.stderr ?? '').trim().split('\n').slice(-5).join(' | ');
    throw new MediaError('probe_failed', `ffprobe could not list packets of ${file}: ${tail || res.shortMessage}`);
  }
  const times = new Set<number>();
  for (const line of String(res.stdout).split('\n')) {
    if (!line) continue;
    const fields = Object.fromEntries(line.split('|').map((kv) => kv.split('=', 2) as [string, string]));
    if (!fields.flags?.includes('K')) continue;
    // pts can be N/A (some raw/elementary streams); dts is then the best available time.
    const t = seconds.safeParse(fields.pts_time).data ?? seconds.safeParse(fields.dts_time).data;
    if (t !== undefined) times.add(t);
  }
  return [...times].sort((a, b) => a - b);
}
