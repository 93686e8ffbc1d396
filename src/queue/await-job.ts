// Waiting for the daemon's answer to an ingest job: its output carries the video id.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { HeatersError } from '../errors.ts';
import { QUEUES } from './names.ts';

const IngestOutput = z.union([
  // videoIds: every video of a playlist, channel or page (older daemons answered videoId only).
  z.object({ videoId: z.uuid(), videoIds: z.array(z.uuid()).optional(), sourceId: z.uuid().optional() }),
  z.object({ error: z.string(), issues: z.array(z.string()) }),
]);

/** No daemon answered in time: worth another try once one runs. */
export class IngestNotPickedUpError extends HeatersError<'not_picked_up'> {
  constructor(message: string) {
    super('not_picked_up', message, { retryable: true });
  }
}

/** The daemon refused the job (its issues are in the message): sending it again cannot help. */
export class InvalidIngestError extends HeatersError<'invalid_job'> {
  constructor(message: string) {
    super('invalid_job', message, { retryable: false });
  }
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
