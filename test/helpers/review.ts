// A daemon with its HTTP listener on a free port and one ready video with known cuts (the review,
// HTTP and page tests share it): 320x240 at 25 fps, scenes of 2, 1.6 and 2.4 s → clips 0-50, 50-90, 90-150.
import type { Video } from '../../src/db/index.ts';
import { startTestDaemon } from './daemon.ts';
import type { TestDaemon } from './daemon.ts';
import { ensureCutSample, SMALL_CUT_SAMPLE } from './media/index.ts';
import { freePort, startTestPostgres } from './postgres.ts';
import type { TestPostgres } from './postgres.ts';

export function reviewSample(): Promise<string> {
  return ensureCutSample(SMALL_CUT_SAMPLE);
}

/** A daemon with HTTP on 127.0.0.1:<free port>; pass DATABASE_URL (else it runs an embedded Postgres on a free port). */
export async function startReviewDaemon(env: Record<string, string> = {}): Promise<TestDaemon & { url: string }> {
  const d = await startTestDaemon({ HEATERS_PG_PORT: String(await freePort()), HEATERS_HTTP_HOST: '127.0.0.1', HEATERS_HTTP_PORT: String(await freePort()), ...env });
  if (!d.http) throw new Error('daemon started without its HTTP listener');
  return Object.assign(d, { url: d.http.url });
}

/** A throwaway Postgres shared by a test file's daemons (restarts keep the data). */
export async function reviewPostgres(): Promise<TestPostgres> {
  return startTestPostgres();
}

/** Ingest the sample under a distinct idempotency key and wait until it is ready. */
export async function readyVideo(d: TestDaemon, key: string): Promise<Video> {
  const file = await reviewSample();
  const { videoId } = await d.ingest(file, { idempotencyKey: key });
  const v = await d.waitSettled(videoId);
  if (v.state !== 'ready') throw new Error(`sample video ${v.state}: ${v.errorCode} ${v.errorMessage}`);
  return v;
}
