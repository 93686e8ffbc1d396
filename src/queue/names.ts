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
