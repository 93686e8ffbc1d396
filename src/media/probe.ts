// ffprobe → a small normalized description of a media file, with typed failures.
import { stat } from 'node:fs/promises';
import { execa } from 'execa';
import { dieWithParent } from './child.ts';
import { z } from 'zod';
import { MediaError } from './errors.ts';
import type { FfmpegBins } from './ffmpeg-path.ts';
import { mp4TopLevelAtoms } from './mp4-atoms.ts';
import { formatZodError } from '../util/zod.ts';

export type VideoInfo = {
  codec: string;
  profile?: string;
  width: number;
  height: number;
  pixFmt: string;
  fps: number;
  frameCount?: number;
  /** Display-matrix rotation, counter-clockwise degrees as ffprobe reports it (0 omitted): 90, 180 or 270. */
  rotation?: number;
};
export type AudioInfo = { codec: string; channels: number; sampleRate: number };
export type Probe = {
  formatName: string;
  durationS: number;
  sizeBytes: number;
  bitRate?: number;
  video: VideoInfo | null;
  audio: AudioInfo | null;
};

// ffprobe prints many numbers as strings ("4.000000", "N/A"); accept both, keep only finite ones.
const num = z
  .union([z.number(), z.string()])
  .optional()
  .transform((v) => {
    if (v === undefined) return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? n : undefined;
  });

const StreamSchema = z.object({
  index: z.number().int(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  profile: z.string().optional(),
  width: num,
  height: num,
  pix_fmt: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  nb_frames: num,
  duration: num,
  channels: num,
  sample_rate: num,
  disposition: z.record(z.string(), z.number()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  side_data_list: z.array(z.object({ rotation: num }).loose()).optional(),
});

const FfprobeSchema = z.object({
  streams: z.array(StreamSchema).default([]),
  format: z
    .object({
      format_name: z.string(),
      duration: num,
      size: num,
      bit_rate: num,
    })
    .optional(),
});

type Stream = z.infer<typeof StreamSchema>;

// Demuxers that mean "a still image or text", never a video we can ingest.
const NON_VIDEO_FORMATS = /(^|,)(image2|tty|[a-z0-9]+_pipe)(,|$)/;

export async function probe(file: string, bins: Pick<FfmpegBins, 'ffprobe'>): Promise<Probe> {
  let sizeBytes: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new MediaError('file_missing', `not a regular file: ${file}`);
    sizeBytes = st.size;
  } catch (e) {
    if (e instanceof MediaError) throw e;
    throw new MediaError('file_missing', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  if (sizeBytes === 0) throw new MediaError('empty_file', `file is empty (0 bytes): ${file}`);

  const res = await execa(
    ...dieWithParent(bins.ffprobe, ['-v', 'error', '-hide_banner', '-print_format', 'json', '-show_format', '-show_streams', '--', file]),
    { reject: false, stdin: 'ignore', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  );
  const stderr = String(res.stderr ?? '').trim();
  if (res.exitCode !== 0 || res.failed) {
    throw classifyProbeFailure(file, stderr, res.exitCode);
  }

  let raw: z.infer<typeof FfprobeSchema>;
  try {
    raw = FfprobeSchema.parse(JSON.parse(String(res.stdout)));
  } catch (e) {
    const why = e instanceof z.ZodError ? formatZodError(e) : (e as Error).message;
    throw new MediaError('probe_failed', `unexpected ffprobe output for ${file}: ${why}`, {
      cause: e,
    });
  }
  const formatName = raw.format?.format_name ?? '';
  if (!raw.format || raw.streams.length === 0 || NON_VIDEO_FORMATS.test(formatName)) {
    throw new MediaError('not_a_video', `not a video (${formatName || 'no streams'}): ${file}`);
  }

  const v = raw.streams.find(
    (s) => s.codec_type === 'video' && !s.disposition?.attached_pic && !s.disposition?.still_image,
  );
  const a = raw.streams.find((s) => s.codec_type === 'audio');
  if (!v) {
    if (a) throw new MediaError('no_video_stream', `audio only (${a.codec_name ?? 'unknown'}): ${file}`);
    throw new MediaError('not_a_video', `no video or audio stream (${formatName}): ${file}`);
  }

  const durationS = raw.format.duration ?? v.duration ?? 0;
  if (/(^|,)mp4(,|$)/.test(formatName)) await assertMp4Complete(file);

  const probeResult: Probe = {
    formatName,
    durationS,
    sizeBytes: raw.format.size ?? sizeBytes,
    video: videoInfo(v, file),
    audio: a ? audioInfo(a) : null,
  };
  if (raw.format.bit_rate !== undefined) probeResult.bitRate = raw.format.bit_rate;
  return probeResult;
}

function classifyProbeFailure(file: string, stderr: string, exitCode: number | undefined): MediaError {
  const tail = stderr.split('\n').slice(-5).join(' | ');
  if (/moov atom not found|partial file|truncat|invalid EBML|End of file/i.test(stderr)) {
    return new MediaError('corrupt', `corrupt or truncated media: ${tail}`);
  }
  if (/Invalid data found when processing input|could not find codec parameters/i.test(stderr)) {
    return new MediaError('not_a_video', `not a recognizable media file: ${tail}`);
  }
  if (/No such file|Permission denied/i.test(stderr)) {
    return new MediaError('file_missing', `cannot read ${file}: ${tail}`);
  }
  return new MediaError('probe_failed', `ffprobe failed (exit ${exitCode ?? '?'}): ${tail || 'no output'}`);
}

// A faststart MP4 cut short still probes fine (the index is at the front); the box sizes tell.
async function assertMp4Complete(file: string): Promise<void> {
  const atoms = await mp4TopLevelAtoms(file);
  const cut = atoms.find((x) => x.truncated);
  if (cut) {
    throw new MediaError('corrupt', `truncated MP4: '${cut.type}' box at ${cut.offset} extends past end of file`);
  }
}

function videoInfo(s: Stream, file: string): VideoInfo {
  if (!s.width || !s.height) {
    throw new MediaError('corrupt', `video stream without dimensions: ${file}`);
  }
  const info: VideoInfo = {
    codec: s.codec_name ?? 'unknown',
    width: s.width,
    height: s.height,
    pixFmt: s.pix_fmt ?? 'unknown',
    fps: rate(s.avg_frame_rate) ?? rate(s.r_frame_rate) ?? 0,
  };
  if (s.profile) info.profile = s.profile;
  if (s.nb_frames !== undefined && s.nb_frames > 0) info.frameCount = s.nb_frames;
  const rotation = rotationOf(s);
  if (rotation) info.rotation = rotation;
  return info;
}

function audioInfo(s: Stream): AudioInfo {
  return { codec: s.codec_name ?? 'unknown', channels: s.channels ?? 0, sampleRate: s.sample_rate ?? 0 };
}

/** "30000/1001" → 29.97; "0/0" → undefined. */
export function rate(r: string | undefined): number | undefined {
  if (!r) return undefined;
  const [n, d] = r.split('/').map(Number);
  if (n === undefined || !Number.isFinite(n) || n <= 0) return undefined;
  const v = d === undefined ? n : n / d;
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

function rotationOf(s: Stream): number | undefined {
  // Counter-clockwise degrees as ffprobe reports the display matrix; a legacy "rotate" tag is
  // clockwise, so it is negated. Normalized to 0..359; only 90/270 change the displayed shape.
  const fromMatrix = s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation;
  const ccw = fromMatrix ?? (s.tags?.rotate !== undefined ? -Number(s.tags.rotate) : 0);
  if (!Number.isFinite(ccw)) return undefined;
  const norm = ((Math.round(ccw) % 360) + 360) % 360;
  return norm === 0 ? undefined : norm;
}
