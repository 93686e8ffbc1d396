// Waiting for the daemon's answer to an ingest job: its output carries the video id.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { QUEUES } from './names.ts';

const IngestOutput = z.union([
  // videoIds: every video of a playlist, channel or page (older daemons answered videoId only).
  z.object({ videoId: z.uuid(), videoIds: z.array(z.uuid()).optional(), sourceId: z.uuid().optional() }),
  z.object({ error: z.string(), issues: z.array(z.string()) }),
]);

export class IngestNotPickedUpError extends Error {
  readonly code = 'not_picked_up';
}

export class InvalidIngestError extends Error {
  readonly code = 'invalid_job';
}

export async function awaitIngest(
  boss: PgBoss,
  jobId: string,
  opts: { timeoutMs: number },
): Promise<{ videoId: string; videoIds?: string[] | undefined; sourceId?: string | undefined }> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const job = await boss.getJobById(QUEUES.ingest, jobId);
    if (job?.state === 'completed') {
      const out = IngestOutput.parse(job.output);
      if ('error' in out) throw new InvalidIngestError(`ingest job rejected: ${out.issues.join('; ')}`);
      return out;
    }
    if (job?.state === 'failed' || job?.state === 'cancelled') {
      throw new Error(`ingest job ${job.state}: ${JSON.stringify(job.output ?? {}).slice(0, 500)}`);
    }
    if (Date.now() > deadline) {
      throw new IngestNotPickedUpError(`ingest job ${jobId} was not answered within ${opts.timeoutMs} ms: is a daemon running against this database?`);
    }
    await sleep(50); // the job row is the only place its output lives; a short poll reads it
  }
}
