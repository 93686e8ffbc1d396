// ObjectStore contract, run against both FsStore and S3Store (a real s3rver on loopback).
import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { toStorageError } from '../src/storage/errors.ts';
import { createStore, FsStore, S3Store, StorageError, type ObjectStore, type OpCounts, type S3StoreOptions } from '../src/storage/index.ts';
import { startS3rver, type S3rverHandle } from './helpers/s3rver.ts';

const MiB = 1024 * 1024;
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const logger = pino({ level: 'silent' });

/** Deterministic pseudo-random bytes (AES-CTR keystream), cached under .cache/ by size and seed. */
async function fixture(bytes: number, seed: string): Promise<string> {
  const dir = path.join(REPO, '.cache', 'storage');
  const file = path.join(dir, `random-${bytes}-${seed}.bin`);
  try {
    if ((await stat(file)).size === bytes) return file;
  } catch {
    // not cached yet
  }
  await mkdir(dir, { recursive: true });
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const data = Buffer.concat([cipher.update(Buffer.alloc(bytes)), cipher.final()]);
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
  return file;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The counters a call is expected to have touched; everything else must be 0. */
function expectOps(actual: OpCounts, expected: Partial<OpCounts>, label: string): void {
  const keys: (keyof OpCounts)[] = ['put', 'get', 'head', 'list', 'delete', 'multipartParts', 'multipartCalls'];
  for (const k of keys) assert.equal(actual[k], expected[k] ?? 0, `${label}: ops.${k}`);
  for (const k of ['requests', 'bytesUp', 'bytesDown'] as const) {
    if (expected[k] !== undefined) assert.equal(actual[k], expected[k], `${label}: ops.${k}`);
  }
}

async function assertRejectsCode(p: Promise<unknown>, code: string): Promise<StorageError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StorageError, `expected StorageError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected StorageError(${code})`);
}

let tmpRoot: string;
let small: string; // 300 KB: one PutObject
let large: string; // 12 MiB > 5 MiB threshold: multipart, 3 parts of 5 MiB
let s3: S3rverHandle;

before(async () => {
  tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'heaters-storage-test-'));
  [small, large, s3] = await Promise.all([fixture(300 * 1024, 'small'), fixture(12 * MiB, 'large'), startS3rver()]);
});

after(async () => {
  await s3?.stop();
  await rm(tmpRoot, { recursive: true, force: true });
});

interface Harness {
  name: 'fs' | 's3';
  make(prefix?: string): ObjectStore;
  /** Independent check that the object exists at the full (prefixed) location. */
  rawExists(fullKey: string, prefix?: string): Promise<boolean>;
}

const created: ObjectStore[] = [];
const harnesses: Harness[] = [
  {
    name: 'fs',
    make(prefix) {
      const url = pathToFileURL(path.join(tmpRoot, 'fs-store', prefix ?? '')).href;
      const store = createStore(
        loadConfig({ STORAGE_URL: url, HEATERS_DATA_DIR: tmpRoot }).storage,
        { logger },
      );
      created.push(store);
      return store;
    },
    async rawExists(fullKey) {
      return stat(path.join(tmpRoot, 'fs-store', fullKey)).then(
        (s) => s.isFile(),
        () => false,
      );
    },
  },
  {
    name: 's3',
    make(prefix) {
      const cfg = loadConfig({
        STORAGE_URL: `s3://${s3.bucket}${prefix ? `/${prefix}` : ''}`,
        S3_ENDPOINT: s3.endpoint,
        S3_FORCE_PATH_STYLE: 'true',
        S3_MULTIPART_THRESHOLD_MB: '5',
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        HEATERS_DATA_DIR: tmpRoot,
      });
      const store = createStore(cfg.storage, { logger });
      created.push(store);
      return store;
    },
    async rawExists(fullKey) {
      const probe = created.find((s): s is S3Store => s instanceof S3Store);
      assert.ok(probe);
      try {
        await probe.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: fullKey }));
        return true;
      } catch {
        return false;
      }
    },
  },
];

after(() => {
  for (const s of created) if (s instanceof S3Store) s.destroy();
});

for (const h of harnesses) {
  describe(`ObjectStore contract: ${h.name}`, () => {
    let store: ObjectStore;
    let n = 0;
    const dest = () => path.join(tmpRoot, `${h.name}-download-${++n}`, 'out.bin');
    before(() => {
      store = h.make();
    });

    test('small file: put/get round trip, one PUT, no HEAD, no GET', async () => {
      assert.equal(store.kind, h.name);
      const before = store.ops();
      const put = await store.put('videos/v1/proxy.mp4', small, { contentType: 'video/mp4' });
      const size = (await stat(small)).size;
      assert.equal(put.key, 'videos/v1/proxy.mp4');
      assert.equal(put.bytes, size);
      assert.equal(put.sha256, await sha256File(small));

      const out = dest();
      const got = await store.get('videos/v1/proxy.mp4', out);
      // Content first: a streamed PutObject with the SDK's default aws-chunked checksums is stored
      // corrupted by s3rver (chunk framing kept in the object), which this catches.
      assert.ok((await readFile(out)).equals(await readFile(small)), 'downloaded content identical');
      assert.equal(got.path, out);
      assert.equal(got.bytes, size);
      assert.equal(got.sha256, put.sha256);
      expectOps(put.ops, { put: 1, requests: 1, bytesUp: size }, 'put');
      expectOps(got.ops, { get: 1, requests: 1, bytesDown: size }, 'get');

      // Cumulative counters moved by exactly these two calls.
      const total = store.ops();
      assert.equal(total.put - before.put, 1);
      assert.equal(total.get - before.get, 1);
      assert.equal(total.head - before.head, 0);
      assert.equal(total.bytesUp - before.bytesUp, size);
    });

    test('file above the multipart threshold round-trips intact', async () => {
      const size = (await stat(large)).size;
      const expected = await sha256File(large);
      const put = await store.put('videos/v1/master.mkv', large);
      assert.equal(put.bytes, size);
      assert.equal(put.sha256, expected);
      if (h.name === 's3') {
        // 12 MiB with a 5 MiB threshold: CreateMultipartUpload + 3 UploadPart + Complete, no HEAD.
        expectOps(put.ops, { put: 1, multipartParts: 3, multipartCalls: 1, requests: 5, bytesUp: size }, 'multipart put');
      } else {
        expectOps(put.ops, { put: 1, requests: 1, bytesUp: size }, 'fs put');
      }
      // Download and hash independently of the store (multipart parts are buffered by lib-storage,
      // so they are sent with plain Content-Length; the result must still be byte-identical).
      const out = dest();
      const got = await store.get('videos/v1/master.mkv', out);
      assert.equal(got.bytes, size);
      assert.equal(await sha256File(out), expected, 'stored object is byte-identical');
      assert.equal(got.sha256, expected);
    });

    test('a caller-supplied sha256 is trusted (file not hashed again)', async () => {
      const given = 'ab'.repeat(32);
      const put = await store.put('videos/v2/proxy.mp4', small, { sha256: given });
      assert.equal(put.sha256, given);
      await assertRejectsCode(store.put('videos/v2/x', small, { sha256: 'nothex' }), 'invalid_argument');
    });

    test('exists is one HEAD: true and false', async () => {
      await store.put('videos/v3/a.bin', small);
      const before = store.ops().head;
      assert.equal(await store.exists('videos/v3/a.bin'), true);
      assert.equal(await store.exists('videos/v3/missing.bin'), false);
      assert.equal(store.ops().head - before, 2);
    });

    test('get of a missing key: StorageError not_found, no file left behind', async () => {
      const out = dest();
      const before = store.ops();
      const err = await assertRejectsCode(store.get('videos/nope/proxy.mp4', out), 'not_found');
      const after = store.ops();
      assert.equal(after.get - before.get, 1, 'the GET was sent and counted');
      assert.equal(after.bytesDown - before.bytesDown, 0, 'an error body is not object bytes');
      assert.equal(err.op, 'get');
      assert.equal(err.key, 'videos/nope/proxy.mp4');
      const left = await readdir(path.dirname(out)).catch(() => []);
      assert.deepEqual(left, [], 'no partial or temp file');
    });

    test('delete removes the object and is idempotent', async () => {
      await store.put('videos/v4/a.bin', small);
      await store.delete('videos/v4/a.bin');
      assert.equal(await store.exists('videos/v4/a.bin'), false);
      await store.delete('videos/v4/a.bin');
    });

    test('storage class is accepted (GLACIER_IR for masters)', async () => {
      const put = await store.put('videos/v5/master.mkv', small, { storageClass: 'GLACIER_IR' });
      assert.equal(put.bytes, (await stat(small)).size);
      if (store instanceof S3Store) {
        const head = await store.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'videos/v5/master.mkv' }));
        assert.equal(head.StorageClass, 'GLACIER_IR', 'storage class reached the server');
        await assertRejectsCode(store.put('videos/v5/bad.mkv', small, { storageClass: 'NOT_A_CLASS' }), 'invalid_argument');
      }
    });

    test('keys under a store prefix', async () => {
      const prefixed = h.make('tenant-a/env');
      await prefixed.put('videos/v6/proxy.mp4', small);
      assert.equal(await h.rawExists('tenant-a/env/videos/v6/proxy.mp4'), true);
      assert.equal(await h.rawExists('videos/v6/proxy.mp4'), false);
      assert.equal(await prefixed.exists('videos/v6/proxy.mp4'), true);
      const uri = prefixed.uri('videos/v6/proxy.mp4');
      if (h.name === 's3') assert.equal(uri, `s3://${s3.bucket}/tenant-a/env/videos/v6/proxy.mp4`);
      else assert.equal(uri, pathToFileURL(path.join(tmpRoot, 'fs-store', 'tenant-a/env/videos/v6/proxy.mp4')).href);
      const got = await prefixed.get('videos/v6/proxy.mp4', dest());
      assert.equal(got.sha256, await sha256File(small));
    });

    test('invalid keys are rejected before any request', async () => {
      const before = store.ops().requests;
      for (const key of ['', '/abs/key', '../escape', 'a//b', 'a/./b', 'a/../b', 'back\\slash']) {
        await assertRejectsCode(store.put(key, small), 'invalid_key');
        await assertRejectsCode(store.get(key, dest()), 'invalid_key');
      }
      assert.equal(store.ops().requests, before);
    });

    test('a missing local source file is an io error', async () => {
      await assertRejectsCode(store.put('videos/v7/a.bin', path.join(tmpRoot, 'does-not-exist')), 'io');
    });

    test('concurrent calls each report their own ops', async () => {
      const [a, b] = await Promise.all([store.put('videos/v8/small.bin', small), store.put('videos/v8/large.bin', large)]);
      expectOps(a.ops, { put: 1, requests: 1 }, 'small');
      if (h.name === 's3') expectOps(b.ops, { put: 1, multipartParts: 3, multipartCalls: 1, requests: 5 }, 'large');
      else expectOps(b.ops, { put: 1, requests: 1 }, 'large');
    });
  });
}

/** An S3Store on the test's s3rver with its credentials; each test overrides what it is about. */
const s3Store = (over: Partial<S3StoreOptions>) =>
  new S3Store({
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    logger,
    ...over,
  });

describe('S3Store errors', () => {
  test('wrong credentials: access_denied, and the secret appears in no error and no log line', async () => {
    // s3rver checks the access key id but does not verify SigV4 signatures, so the realistic failure
    // it can produce is an unknown key id (InvalidAccessKeyId, 403) sent with a wrong secret.
    const wrongSecret = `wrong-${s3.secretAccessKey}-x9`;
    const lines: string[] = [];
    const capture = pino({ level: 'trace' }, { write: (l: string) => void lines.push(l) });
    const bad = s3Store({ credentials: { accessKeyId: 'HTESTUNKNOWNKEY', secretAccessKey: wrongSecret }, multipartThresholdBytes: 5 * MiB, development: true, logger: capture });
    try {
      const attempts: [string, () => Promise<unknown>][] = [
        ['put', () => bad.put('videos/x/a.bin', small)],
        ['put multipart', () => bad.put('videos/x/b.bin', large)],
        ['get', () => bad.get('videos/x/a.bin', path.join(tmpRoot, 'bad-get', 'a.bin'))],
        ['exists', () => bad.exists('videos/x/a.bin')],
        ['delete', () => bad.delete('videos/x/a.bin')],
      ];
      for (const [label, run] of attempts) {
        const err = await assertRejectsCode(run(), 'access_denied');
        assert.equal(err.httpStatus, 403, label);
        for (const text of [err.message, String(err.stack), JSON.stringify(err)]) {
          assert.ok(!text.includes(wrongSecret), `${label}: secret absent`);
        }
      }
      assert.ok(!lines.join('').includes(wrongSecret), 'secret absent from logs');
    } finally {
      bad.destroy();
    }
  });

  test('error wrapping scrubs secrets even when the underlying message contains them', () => {
    const secret = 'Sup3rSecretValue/abc+def';
    const raw = Object.assign(new Error(`boom: secret=${secret} url=https://user:${secret}@host/x`), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    const err = toStorageError(raw, { op: 'put', key: 'k', where: 's3://b/k', secrets: [secret] });
    assert.equal(err.code, 'access_denied');
    assert.equal(err.httpStatus, 403);
    assert.ok(!err.message.includes(secret), err.message);
    assert.ok(!String(err.stack).includes(secret));
    assert.ok(!('cause' in err) || err.cause === undefined, 'raw SDK error not kept');
  });

  test('unreachable endpoint: network', async () => {
    const down = s3Store({ endpoint: 'http://127.0.0.1:1', maxAttempts: 1 });
    try {
      await assertRejectsCode(down.exists('videos/x/a.bin'), 'network');
      await assertRejectsCode(down.put('videos/x/a.bin', small), 'network');
      assert.equal(down.ops().head, 1, 'the attempt was counted');
    } finally {
      down.destroy();
    }
  });

  test('retries are counted as the requests they are (SDK retries HEAD; put retries its stream)', async () => {
    // A server that is always overloaded: every attempt is a real request and must be counted.
    let hits = 0;
    const busy = http.createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>busy</Message></Error>');
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    const store = s3Store({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2 });
    try {
      await assertRejectsCode(store.exists('videos/r/a.bin'), 'network');
      assert.equal(store.ops().head, 2);
      await assertRejectsCode(store.put('videos/r/a.bin', small), 'network');
      assert.equal(store.ops().put, 2);
      assert.equal(store.ops().requests, hits);
    } finally {
      store.destroy();
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  test('optional HEAD verification only for large uploads', async () => {
    const verifying = s3Store({ multipartThresholdBytes: 5 * MiB, verifyLargeUploads: true });
    try {
      expectOps((await verifying.put('videos/v9/small.bin', small)).ops, { put: 1 }, 'small: no HEAD');
      expectOps((await verifying.put('videos/v9/large.bin', large)).ops, { put: 1, multipartParts: 3, multipartCalls: 1, head: 1 }, 'large: HEAD');
    } finally {
      verifying.destroy();
    }
  });
});

test('multipart progress is logged only in development mode', async () => {
  const run = async (development: boolean) => {
    const lines: string[] = [];
    const store = s3Store({ multipartThresholdBytes: 5 * MiB, development, logger: pino({ level: 'trace' }, { write: (l: string) => void lines.push(l) }) });
    try {
      await store.put(`videos/dev-${development}/large.bin`, large);
    } finally {
      store.destroy();
    }
    return lines.filter((l) => l.includes('upload progress')).length;
  };
  assert.ok((await run(true)) >= 3, 'one progress line per part at least');
  assert.equal(await run(false), 0);
});

describe('createStore', () => {
  const base = () => loadConfig({ HEATERS_DATA_DIR: tmpRoot }).storage;

  test('defaults to a filesystem store under the data dir', () => {
    const store = createStore(base(), { logger });
    assert.ok(store instanceof FsStore);
    assert.equal(store.root, path.join(tmpRoot, 'store'));
    assert.equal(store.uri('videos/a/b.mp4'), pathToFileURL(path.join(tmpRoot, 'store', 'videos/a/b.mp4')).href);
  });

  test('s3://bucket/prefix', () => {
    const store = createStore({ ...base(), url: 's3://my-bucket/some/prefix/' }, { logger });
    assert.ok(store instanceof S3Store);
    assert.equal(store.bucket, 'my-bucket');
    assert.equal(store.prefix, 'some/prefix');
    assert.equal(store.uri('videos/a.mp4'), 's3://my-bucket/some/prefix/videos/a.mp4');
    store.destroy();
  });

  test('rejects bad URLs and half-configured credentials without echoing values', () => {
    for (const url of ['http://x/y', 's3://', 's3://Bad_Bucket', 'file://host/dir', 's3://key:Sekr1tValue@bucket']) {
      assert.throws(() => createStore({ ...base(), url }, { logger }), (e: unknown) => {
        assert.ok(e instanceof StorageError);
        assert.equal(e.code, 'invalid_argument');
        assert.ok(!e.message.includes('Sekr1tValue'));
        return true;
      }, url);
    }
    const s3cfg = { ...base().s3, accessKeyId: 'AKID', secretAccessKey: undefined };
    assert.throws(() => createStore({ ...base(), url: 's3://bucket', s3: s3cfg }, { logger }), /set together/);
  });
});
