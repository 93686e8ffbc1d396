// Where the test media live and how they are built: one cache, <repo>/.cache/media/ (every small
// generated file or set, rebuilt in seconds if deleted), beside .cache/scenes/ (the scene sets, whose
// 720p/1080p renders take an hour and keep their place and keys). Everything is built with
// buildOnce (src/util/build-once.ts: private temp path, renamed into place; safe concurrently), keyed
// by a hash of what makes it, and made with the one ffmpeg/ffprobe the daemon would use
// (src/media/ffmpeg-path.ts: FFMPEG_PATH/FFPROBE_PATH, ffmpeg-static, then PATH).
import { createHash } from 'node:crypto';
import path from 'node:path';
import { REPO_ROOT } from '../common.ts';

/** The test-media cache: everything but the scene sets. */
export const MEDIA_CACHE = path.join(REPO_ROOT, '.cache', 'media');
/** The scene sets (scenes/render.ts): .cache/scenes/<set>-<WxH>-<fps>-<key>/. */
export const SCENE_CACHE = path.join(REPO_ROOT, '.cache', 'scenes');

/** The first `length` hex digits of the sha256 of `value` as JSON: the cache key of what builds a file. */
export function hashKey(value: unknown, length = 16): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, length);
}
