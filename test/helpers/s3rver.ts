// A real S3-compatible server (s3rver) on loopback for tests: ephemeral port, temp directory,
// one bucket, fresh random credentials, no log output.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverCtor = new (opts: Record<string, unknown>) => S3rverInstance;
interface AccountModule {
  DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void; revokeAccessKey(id: string): void };
}

const S3rver = require('s3rver') as S3rverCtor;
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as AccountModule;
// s3rver 3.7 predates GLACIER_IR (2021) and rejects it as InvalidStorageClass; real S3 accepts it
// and it is our default class for masters, so teach the emulator about it.
const { STORAGE_CLASSES } = require('s3rver/lib/models/object') as { STORAGE_CLASSES: string[] };
for (const c of ['GLACIER_IR', 'SNOWBALL_EDGE', 'EXPRESS_ONEZONE']) if (!STORAGE_CLASSES.includes(c)) STORAGE_CLASSES.push(c);

export interface S3rverHandle {
  /** http://127.0.0.1:<port> — use with forcePathStyle. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The server's data directory (objects as files: handy to inspect, never to assert contents through). */
  directory: string;
  /** The daemon's environment for this store (its endpoint, or another in front of it, e.g. a proxy). */
  daemonEnv(endpoint?: string): Record<string, string>;
  stop(): Promise<void>;
}

export async function startS3rver(opts: { bucket?: string } = {}): Promise<S3rverHandle> {
  const bucket = opts.bucket ?? 'heaters-test';
  const directory = await mkdtemp(path.join(os.tmpdir(), 'heaters-s3rver-'));
  // Random per server, so a test can assert that this exact secret never leaks.
  const accessKeyId = `HTEST${randomBytes(6).toString('hex').toUpperCase()}`;
  const secretAccessKey = `heaters-secret-${randomBytes(12).toString('hex')}`;
  DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
    // Path-style requests only; vhost parsing would treat 127.0.0.1 as a bucket-less host anyway.
    vhostBuckets: false,
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (err) {
    DUMMY_ACCOUNT.revokeAccessKey(accessKeyId);
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  const base = { endpoint: `http://127.0.0.1:${address.port}`, region: 'us-east-1' };
  return {
    ...base,
    bucket,
    accessKeyId,
    secretAccessKey,
    directory,
    daemonEnv: (endpoint = base.endpoint) => ({
      STORAGE_URL: `s3://${bucket}/heaters`,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      S3_REGION: base.region,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
    }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      DUMMY_ACCOUNT.revokeAccessKey(accessKeyId);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
