// Public face of the queue module: import from here.
export { QUEUES, HOST_STAGES, hostQueue } from './names.ts';
export type { QueueKey, QueueName, HostStage } from './names.ts';
export { IngestJob, IngestOptions, ingestKeyOf } from './ingest-job.ts';
export { QUEUE_CONFIG, createQueues, sendIngest, startBoss } from './boss.ts';
export type { QueueOverrides, SendIngestResult, StartBossOptions } from './boss.ts';
export { awaitIngest, IngestNotPickedUpError, InvalidIngestError } from './await-job.ts';
