// Queue names: one pg-boss queue per stage, plus the entry point and the dead letters.
export const QUEUES = {
  ingest: 'heaters.ingest',
  download: 'heaters.download',
  preprocess: 'heaters.preprocess',
  detect: 'heaters.detect',
  finalize: 'heaters.finalize',
  export: 'heaters.export',
  dead: 'heaters.dead',
} as const;

export type QueueKey = keyof typeof QUEUES;
export type QueueName = (typeof QUEUES)[QueueKey];

/**
 * Stages after the download run on the host that holds the video's local files: each host works
 * its own queue of each, `heaters.<stage>/<hostId>` (pg-boss names allow `/`). The shared queues of
 * those stages stay for jobs any host may run (a redetect reads its proxy from the store).
 */
export const HOST_STAGES = ['preprocess', 'detect', 'finalize'] as const;
export type HostStage = (typeof HOST_STAGES)[number];

export function hostQueue(stage: HostStage, hostId: string): string {
  return `${QUEUES[stage]}/${hostId}`;
}
