// The daemon's HTTP listener: health, readiness, metrics, security (bind refusal, token, traversal),
// media with Range from the filesystem store and presigned URLs from S3, and the OpenAPI document.
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { startDaemon } from '../src/daemon.ts';
import { listArtefacts, listStageRuns } from '../src/db/index.ts';
import { jpegSize } from '../src/review/thumbs.ts';
import { HttpConfigError, buildHttp, checkBind, isLoopback, tokenMatches } from '../src/http/index.ts';
import { createLogger } from '../src/log/index.ts';
import { S3Store } from '../src/storage/index.ts';
import { presignGet, signQuery } from '../src/http/presign.ts';
import { startS3rver } from './helpers/s3rver.ts';
import type { TestDaemon } from './helpers/daemon.ts';
import { readyVideo, reviewPostgres, startReviewDaemon } from './helpers/review.ts';
import type { TestPostgres } from './helpers/postgres.ts';
import { freePort } from './helpers/postgres.ts';

const TOKEN = 'test-token-0123456789abcdef';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (r: Response): Promise<any> => r.json();

/** A raw GET that does not normalise the path (fetch would collapse `..`). */
function rawGet(url: string, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let pg: TestPostgres;
before(async () => {
  pg = await reviewPostgres();
});
after(async () => {
  await pg?.stop();
});

describe('loopback listener (no token)', () => {
  let d: TestDaemon & { url: string };
  let videoId: string;

  before(async () => {
    d = await startReviewDaemon({ DATABASE_URL: pg.url });
    videoId = (await readyVideo(d, 'http-test')).id;
  });
  after(async () => {
    await d?.close();
  });

  test('healthz answers; readyz checks database, store and pools', async () => {
    const h = await fetch(`${d.url}/healthz`);
    assert.equal(h.status, 200);
    assert.equal((await json(h)).ok, true);
    const r = await fetch(`${d.url}/readyz`);
    const body = await json(r);
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.equal(body.ready, true);
    assert.equal(body.checks.database.ok, true);
    assert.equal(body.checks.store.ok, true);
    assert.ok(body.checks.pools.io >= 1 && body.checks.pools.cpu >= 1);
  });

  test('metrics: Prometheus text with pools, jobs by queue and state, stage durations', async () => {
    const r = await fetch(`${d.url}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
    const text = await r.text();
    assert.match(text, /heaters_pool_workers\{[^}]*pool="io"[^}]*kind="size"[^}]*\} [1-9]/);
    assert.match(text, /heaters_jobs\{[^}]*queue="heaters\.[a-z]+"[^}]*state="(ready|active|deferred|failed)"/);
    assert.match(text, /heaters_stage_duration_seconds_count\{[^}]*stage="finalize"/);
  });

  test('media: proxy with HTTP Range from the filesystem store', async () => {
    const [proxy] = (await listArtefacts(d.deps.db, videoId)).filter((a) => a.kind === 'proxy');
    assert.ok(proxy);
    const whole = await readFile(new URL(proxy.storeUri));
    const media = await json(await fetch(`${d.url}/api/videos/${videoId}/media`));
    assert.equal(media.proxy.url, `/media/videos/${videoId}/proxy.mp4`);
    const full = await fetch(`${d.url}${media.proxy.url}`);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await full.arrayBuffer()), whole);
    const part = await fetch(`${d.url}${media.proxy.url}`, { headers: { range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-199/${whole.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), whole.subarray(100, 200));
    const tail = await fetch(`${d.url}${media.proxy.url}`, { headers: { range: 'bytes=-10' } });
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), whole.subarray(whole.length - 10));
    const bad = await fetch(`${d.url}${media.proxy.url}`, { headers: { range: `bytes=${whole.length + 5}-` } });
    assert.equal(bad.status, 416);
  });

  test('thumbnail strip: one sprite sheet and its index per video, made in finalize, its cost recorded', async () => {
    const media = await json(await fetch(`${d.url}/api/videos/${videoId}/media`));
    assert.ok(media.thumbs, 'a strip');
    const { index } = media.thumbs;
    assert.equal(index.columns, 20);
    assert.ok(index.count >= 1 && index.times.length === index.count);
    assert.equal(index.times[0], 0);
    assert.equal(index.height, 120, '160 px wide tiles of a 4:3 video');
    const r = await fetch(`${d.url}${media.thumbs.url}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/jpeg');
    const jpeg = Buffer.from(await r.arrayBuffer());
    assert.deepEqual(jpegSize(jpeg), { width: 20 * 160, height: index.rows * 120 });
    const runs = await listStageRuns(d.deps.db, videoId);
    const fin = runs.find((x) => x.stage === 'finalize' && x.ok);
    const cost = (fin?.details as { thumbs?: { ms: number; bytes: number } }).thumbs;
    assert.ok(cost && cost.ms > 0 && cost.bytes === jpeg.length, JSON.stringify(fin?.details));
    const arts = (await listArtefacts(d.deps.db, videoId)).filter((a) => a.kind === 'thumbs');
    assert.equal(arts.length, 1, 'stored once');
  });

  test('traversal attempts in media routes get 404', async () => {
    for (const p of [
      `/media/videos/..%2F..%2F..%2Fetc%2Fpasswd/proxy.mp4`,
      `/media/videos/${videoId}/..%2F..%2F..%2F..%2Fetc%2Fpasswd`,
      `/media/videos/${videoId}/%2e%2e%2fproxy.mp4`,
      `/media/videos/${videoId}/../../../../etc/passwd`,
      `/media/../../../etc/passwd`,
      `/media/videos/${videoId}/constructor`,
      `/media/videos/00000000-0000-4000-8000-000000000000/proxy.mp4`,
    ]) {
      const r = await rawGet(d.url, p);
      assert.equal(r.status, 404, `${p}: ${r.status} ${r.body.slice(0, 200)}`);
      assert.ok(!r.body.includes('root:'), p);
    }
  });

  test('a foreign Host header is refused without a token (DNS rebinding)', async () => {
    const r = await rawGet(d.url, '/healthz', { host: 'evil.example.com' });
    assert.equal(r.status, 403);
  });

  test('OpenAPI document generated from the zod schemas', async () => {
    const r = await fetch(`${d.url}/openapi.json`);
    assert.equal(r.status, 200);
    const doc = await json(r);
    assert.match(doc.openapi, /^3\./);
    for (const p of ['/api/videos', '/api/review/next', '/api/clips/{clipId}/{action}', '/api/review/undo', '/api/review/history', '/readyz'])
      assert.ok(doc.paths[p], `path ${p} in ${Object.keys(doc.paths).join(', ')}`);
    const next = doc.paths['/api/review/next'].post;
    const body = next.requestBody.content['application/json'].schema;
    assert.ok(body.required.includes('reviewer'));
    assert.equal(body.properties.leaseSeconds.maximum, 3600);
    const act = doc.paths['/api/clips/{clipId}/{action}'].post;
    const action = act.parameters.find((p: { name: string }) => p.name === 'action');
    assert.deepEqual(action.schema.enum, ['approve', 'skip', 'archive', 'group', 'merge', 'split']);
  });

  test('invalid requests are 400 with the reasons', async () => {
    const r = await fetch(`${d.url}/api/review/next`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reviewer: '' }) });
    assert.equal(r.status, 400);
    const b = await json(r);
    assert.equal(b.error, 'invalid_request');
    const form = await fetch(`${d.url}/api/review/next`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'reviewer=x' });
    assert.equal(form.status, 415, 'a cross-site form cannot post to the API');
  });

  test('readyz is 503 with the reason when a pool has no worker', async () => {
    await d.deps.cpuPool.drain();
    const r = await fetch(`${d.url}/readyz`);
    assert.equal(r.status, 503);
    const b = await json(r);
    assert.equal(b.ready, false);
    assert.equal(b.checks.pools.ok, false);
    assert.match(b.checks.pools.error, /no Python worker/);
  });
});

describe('security', () => {
  test('a non-loopback bind without a token refuses to start', async () => {
    assert.equal(isLoopback('127.0.0.1'), true);
    assert.equal(isLoopback('::1'), true);
    assert.equal(isLoopback('localhost'), true);
    assert.equal(isLoopback('0.0.0.0'), false);
    assert.equal(isLoopback('192.168.1.4'), false);
    assert.throws(() => checkBind('0.0.0.0', undefined), (e: unknown) => e instanceof HttpConfigError && e.code === 'token_required');
    assert.doesNotThrow(() => checkBind('0.0.0.0', TOKEN));
    const cfg = loadConfig({ HEATERS_DATA_DIR: '/nonexistent/heaters-never-created', HEATERS_HTTP_HOST: '0.0.0.0', HEATERS_HTTP_PORT: '8080', LOG_LEVEL: 'silent' });
    const t0 = Date.now();
    await assert.rejects(startDaemon(cfg, createLogger({ level: 'silent' })), (e: unknown) => e instanceof HttpConfigError && /HEATERS_REVIEW_TOKEN/.test(e.message));
    assert.ok(Date.now() - t0 < 1000, 'refused before anything started');
  });

  test('constant-time token check', () => {
    assert.equal(tokenMatches(TOKEN, TOKEN), true);
    assert.equal(tokenMatches(`${TOKEN}x`, TOKEN), false);
    assert.equal(tokenMatches('', TOKEN), false);
  });

  describe('with a token', () => {
    let d: TestDaemon & { url: string };
    let logs = '';
    before(async () => {
      const logTo = new Writable({ write: (c, _e, cb) => ((logs += c.toString()), cb()) });
      const { startTestDaemon } = await import('./helpers/daemon.ts');
      d = Object.assign(
        await startTestDaemon(
          { DATABASE_URL: pg.url, HEATERS_HTTP_HOST: '127.0.0.1', HEATERS_HTTP_PORT: String(await freePort()), HEATERS_REVIEW_TOKEN: TOKEN, LOG_LEVEL: 'debug' },
          { logTo },
        ),
        { url: '' },
      );
      d.url = d.http!.url;
    });
    after(async () => {
      await d?.close();
    });

    test('no or a wrong token gets 401; the right one in a header passes; never logged', async () => {
      assert.equal((await fetch(`${d.url}/healthz`)).status, 401);
      assert.equal((await fetch(`${d.url}/review`)).status, 401);
      assert.equal((await fetch(`${d.url}/healthz`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
      assert.equal((await fetch(`${d.url}/healthz`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
      assert.equal((await fetch(`${d.url}/metrics`, { headers: { 'x-heaters-token': TOKEN } })).status, 200);
      assert.equal((await fetch(`${d.url}/healthz?token=${TOKEN}`)).status, 200, 'GET may carry it in the query (video elements)');
      const post = (headers: Record<string, string>, q = '') =>
        fetch(`${d.url}/api/review/next${q}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ reviewer: 'ann' }) });
      assert.equal((await post({})).status, 401);
      assert.equal((await post({}, `?token=${TOKEN}`)).status, 401, 'a state change needs the header');
      assert.equal((await post({ authorization: `Bearer ${TOKEN}` })).status, 200);
      // A foreign Host is fine with a token (the token is the guard).
      assert.equal((await rawGet(d.url, '/healthz', { host: 'heaters.example.com', authorization: `Bearer ${TOKEN}` })).status, 200);
      // The page opened with ?token= hands it to its own script and style.
      const page = await fetch(`${d.url}/review?token=${TOKEN}`);
      assert.equal(page.status, 200);
      const html = await page.text();
      const js = /src="([^"]+)"/.exec(html)?.[1] ?? '';
      assert.match(js, /^\/review\/review\.js\?token=/);
      assert.equal((await fetch(`${d.url}${js}`)).status, 200);
      assert.match(logs, /http listening/);
      assert.ok(!logs.includes(TOKEN), 'token in the log');
    });
  });
});

describe('S3 media: presigned URLs, bytes never through Node', () => {
  test('the signature matches the AWS documentation example (s3rver does not check V4 signatures)', () => {
    // "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)", example presigned URL.
    const q = signQuery({
      host: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      expiresSeconds: 86400,
      now: new Date('2013-05-24T00:00:00Z'),
    });
    assert.equal(
      q,
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  test('presigned URLs (prefix, spaces in the key) fetch the object from the bucket, ranges included', async () => {
    const s3 = await startS3rver();
    const store = new S3Store({
      bucket: s3.bucket,
      prefix: 'pre/fix',
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const { writeFile, mkdtemp } = await import('node:fs/promises');
      const os = await import('node:os');
      const path = await import('node:path');
      const dir = await mkdtemp(path.join(os.tmpdir(), 'heaters-presign-'));
      const file = path.join(dir, 'x.bin');
      await writeFile(file, Buffer.from('presigned bytes 0123456789'));
      await store.put('videos/a b/proxy.mp4', file);
      const url = await presignGet(store, 'videos/a b/proxy.mp4', 60);
      assert.match(url, /X-Amz-Signature=[0-9a-f]{64}/);
      assert.ok(!url.includes(s3.secretAccessKey));
      const r = await fetch(url);
      assert.equal(r.status, 200, await r.clone().text());
      assert.equal(await r.text(), 'presigned bytes 0123456789');
      const ranged = await fetch(url, { headers: { range: 'bytes=0-8' } });
      assert.equal(ranged.status, 206);
      assert.equal(await ranged.text(), 'presigned');
    } finally {
      store.destroy();
      await s3.stop();
    }
  });

  test('buildHttp on an S3 store: /media answers 302 to the bucket', async () => {
    // Uses the daemon's own wiring through a real daemon on s3rver.
    const s3 = await startS3rver();
    const d = await startReviewDaemon({
      DATABASE_URL: pg.url,
      ...s3.daemonEnv(),
    });
    try {
      const v = await readyVideo(d, 'http-s3');
      const r = await fetch(`${d.url}/media/videos/${v.id}/proxy.mp4`, { redirect: 'manual' });
      assert.equal(r.status, 302);
      const loc = r.headers.get('location') ?? '';
      assert.ok(loc.startsWith(s3.endpoint), loc);
      const bytes = await fetch(loc, { headers: { range: 'bytes=4-7' } });
      assert.equal(bytes.status, 206);
      assert.equal(await bytes.text(), 'ftyp', 'an MP4 from the bucket');
      const media = await json(await fetch(`${d.url}/api/videos/${v.id}/media`));
      assert.ok(media.proxy.url.startsWith(s3.endpoint));
      void buildHttp; // the listener above is buildHttp's, started by the daemon
    } finally {
      await d.close();
      await s3.stop();
    }
  });
});
