// The real web on loopback (issue 10): a test site that the worker's test-only yt-dlp extractor
// (python/heaters_worker/ops/testing/test_site.py) understands, plus plain pages with <video>
// elements for yt-dlp's own generic extractor. The same server is the daemon's HTTP proxy (it takes
// absolute-form requests), so the proxy and cookies settings are exercised for real.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { endPool, listStageRuns } from '../src/db/index.ts';
import { getSiteState, SiteSlots } from '../src/sources/index.ts';
import { testLogger, until } from './helpers/common.ts';
import { startTestDaemon } from './helpers/daemon.ts';
import type { TestDaemon } from './helpers/daemon.ts';
import { ensureClip, ensureSampleMedia } from './helpers/media/index.ts';
import { startTestPostgres } from './helpers/postgres.ts';
import type { TestPostgres } from './helpers/postgres.ts';

const COOKIE_SECRET = 'CookieSecretValue9f3e1a';
const PROXY_SECRET = 'ProxyPassw0rdSecret77';

type ApiAnswer = { status?: number; body?: Record<string, unknown> };
type Seen = { at: number; host: string; path: string; proxied: boolean; proxyAuth?: string; cookie?: string };
const PACE_BYTES = 16 * 1024;
const PACE_MS = 300; // ~2.4 s for the 118 KB sample: long enough for two downloads to overlap if allowed

/** The test site: static media, pages, and the test extractor's API, answering as `api` says. */
async function startSite(files: Record<string, string>) {
  const seen: Seen[] = [];
  // id -> answers in turn (the last one repeats).
  const api = new Map<string, ApiAnswer[]>();
  // Paced media responses in flight, and the most there ever were at once.
  const slow = { inFlight: 0, max: 0 };
  const server = http.createServer((req, res) => {
    const raw = req.url ?? '/';
    const u = new URL(raw, `http://${req.headers.host ?? 'x'}`);
    const s: Seen = { at: Date.now(), host: u.host, path: u.pathname + u.search, proxied: /^https?:\/\//.test(raw) };
    if (typeof req.headers['proxy-authorization'] === 'string') s.proxyAuth = req.headers['proxy-authorization'];
    if (typeof req.headers.cookie === 'string') s.cookie = req.headers.cookie;
    seen.push(s);
    const m = /^\/heaters-test\/api\/(video|playlist)\/([\w-]+)$/.exec(u.pathname);
    if (m) {
      const answers = api.get(`${m[1]}/${m[2]}`) ?? [{ status: 404 }];
      const a = answers.length > 1 ? answers.shift()! : answers[0]!;
      res.writeHead(a.status ?? 200, { 'Content-Type': 'application/json' }).end(JSON.stringify(a.body ?? {}));
      return;
    }
    const paced = u.pathname.startsWith('/slow/');
    const file = files[paced ? u.pathname.slice('/slow'.length) : u.pathname];
    if (!file) return void res.writeHead(404).end('not found');
    if (file.startsWith('<')) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end(file);
    void stat(file).then((st) => {
      res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': String(st.size) });
      if (req.method === 'HEAD') return void res.end();
      if (!paced) return void createReadStream(file).pipe(res);
      slow.max = Math.max(slow.max, ++slow.inFlight);
      res.on('close', () => slow.inFlight--);
      const src = createReadStream(file, { highWaterMark: PACE_BYTES });
      src.on('data', (chunk) => {
        src.pause();
        res.write(chunk);
        setTimeout(() => src.resume(), PACE_MS);
      });
      src.on('end', () => res.end());
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (p: string, host = '127.0.0.1') => `http://${host}:${port}${p}`,
    seen,
    api,
    slow,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let pgh: TestPostgres;
let site: Awaited<ReturnType<typeof startSite>>;
let daemon: TestDaemon;
let db: pg.Pool;
let logs = '';
let tmp: string;
let env: Record<string, string>;

before(async () => {
  const [postgres, samples, clip] = await Promise.all([startTestPostgres(), ensureSampleMedia(), ensureClip({ seconds: 2 })]);
  pgh = postgres;
  site = await startSite({
    '/a/talk.mp4': samples.mp4.path,
    '/b/talk.mp4': clip, // another file of the same name under another path
    '/c/clip.mp4': samples.mp4.path,
    '/media/v.mp4': samples.mp4.path,
    '/talks.html': `<!doctype html><html><head><title>Three talks</title></head><body>
<video src="/a/talk.mp4" controls></video>
<video controls><source src="/b/talk.mp4" type="video/mp4"></video>
<video src="/c/clip.mp4"></video>
</body></html>`,
  });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'heaters-web-'));
  const cookies = path.join(tmp, 'cookies.txt');
  await writeFile(cookies, `# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\t${COOKIE_SECRET}\n`);
  env = {
    DATABASE_URL: pgh.url,
    HEATERS_TEST_OPS: 'true',
    HEATERS_COOKIES_FILE: cookies,
    HEATERS_PROXY: `http://heaters:${PROXY_SECRET}@127.0.0.1:${site.port}`,
    HEATERS_PLAYLIST_MAX: '3',
    HEATERS_EXTRACTOR_ARGS: 'heaterstest:title_prefix=daemon',
    // One download at a time from 127.0.0.1 (a pg-boss group tier); other sites keep the default 2.
    HEATERS_SITE_LIMITS: '127.0.0.1=1',
    HEATERS_IO_WORKERS_MIN: '3', // warm download workers: only the site limit may serialize downloads
    HEATERS_RATE_LIMIT_COOLDOWN_S: '4', // long enough for daemon B to send its download inside it, even on a loaded machine
    HEATERS_SHUTDOWN_GRACE_S: '1',
    LOG_LEVEL: 'debug',
  };
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs += String(chunk);
      cb();
    },
  });
  daemon = await startTestDaemon(env, { logTo: sink });
  db = new pg.Pool({ connectionString: pgh.url, max: 2 });
});

after(async () => {
  if (db) await endPool(db);
  await daemon?.close();
  await site?.stop();
  await pgh?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function settleAll(ids: string[]) {
  return Promise.all(ids.map((id) => daemon.waitSettled(id)));
}

const video = (id: string, body: Record<string, unknown>) => site.api.set(`video/${id}`, [{ body }]);

describe('pages, playlists, identity, typed failures', () => {
  test('a page with three <video> elements gives three ready videos; sending it again adds none; two talk.mp4 stay two', async () => {
    const first = await daemon.ingest(site.url('/talks.html'));
    assert.equal(first.videoIds.length, 3);
    assert.equal(new Set(first.videoIds).size, 3);
    assert.equal(first.added, 3);
    const settled = await settleAll(first.videoIds);
    assert.deepEqual(settled.map((v) => v.state), ['ready', 'ready', 'ready']);
    const urls = settled.map((v) => new URL(v.sourceUrl).pathname);
    assert.deepEqual(urls, ['/a/talk.mp4', '/b/talk.mp4', '/c/clip.mp4']);
    // Different files of one name: different probes (the second is the 2 s clip without audio).
    assert.notEqual(settled[0]!.durationS, settled[1]!.durationS);

    const again = await daemon.ingest(site.url('/talks.html'));
    assert.deepEqual(again.videoIds, first.videoIds);
    assert.equal(again.added, 0);
    assert.equal(again.created, false);
    assert.equal(again.sourceId, first.sourceId);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM heaters.source_entries WHERE source_id = $1', [first.sourceId]);
    assert.equal(rows[0].n, 3);
  });

  test('a playlist fans out up to the cap; sending it again adds only new entries; first takes one', async () => {
    for (const id of ['p1', 'p2', 'p3', 'p4']) video(id, { media: '/media/v.mp4', title: `entry ${id}` });
    site.api.set('playlist/pl', [{ body: { title: 'A list', entries: ['p1', 'p2'] } }]);
    const one = await daemon.ingest(site.url('/heaters-test/playlist/pl'));
    assert.equal(one.videoIds.length, 2);
    assert.equal(one.added, 2);
    site.api.set('playlist/pl', [{ body: { title: 'A list', entries: ['p1', 'p2', 'p3', 'p4'] } }]);
    const two = await daemon.ingest(site.url('/heaters-test/playlist/pl'));
    assert.equal(two.videoIds.length, 3, 'HEATERS_PLAYLIST_MAX=3 caps the fan-out');
    assert.deepEqual(two.videoIds.slice(0, 2), one.videoIds);
    assert.equal(two.added, 1);
    assert.equal(two.sourceId, one.sourceId);
    const first = await daemon.ingest(site.url('/heaters-test/playlist/pl'), { playlist: 'first' });
    assert.deepEqual(first.videoIds, [one.videoIds[0]]);
    const settled = await settleAll(two.videoIds);
    assert.deepEqual(settled.map((v) => v.state), ['ready', 'ready', 'ready']);
  });

  test("a channel's tabs (playlists in a playlist) fan out into their videos", async () => {
    for (const id of ['t1', 't2', 't3']) video(id, { error: 'removed' }); // fan-out is the point, not the downloads
    site.api.set('playlist/chan', [{ body: { title: 'A channel', entries: ['list:tab-videos', 'list:tab-shorts'] } }]);
    site.api.set('playlist/tab-videos', [{ body: { title: 'Videos', entries: ['t1', 't2'] } }]);
    site.api.set('playlist/tab-shorts', [{ body: { title: 'Shorts', entries: ['t3'] } }]);
    const r = await daemon.ingest(site.url('/heaters-test/playlist/chan'));
    const { rows } = await db.query(`SELECT canonical_id FROM heaters.videos WHERE id = ANY($1) ORDER BY canonical_id`, [r.videoIds]);
    assert.deepEqual(rows.map((x) => x.canonical_id), ['heaterstest:t1', 'heaterstest:t2', 'heaterstest:t3']);
    const settled = await settleAll(r.videoIds);
    assert.ok(settled.every((v) => v.errorCode === 'removed'));
  });

  test('heaters ingest <playlist> --wait prints every video id and waits for all of them', async () => {
    // p1 is ready from the previous test; p4 (left out by the cap there) is new.
    site.api.set('playlist/cli', [{ body: { title: 'CLI list', entries: ['p1', 'p4'] } }]);
    const { execa } = await import('execa');
    const r = await execa(process.execPath, [path.join(import.meta.dirname, '..', 'src', 'cli', 'main.ts'), 'ingest', site.url('/heaters-test/playlist/cli'), '--wait'], {
      env: { DATABASE_URL: pgh.url, HEATERS_DATA_DIR: tmp, HEATERS_HTTP_PORT: '0', LOG_LEVEL: 'silent' },
      reject: false,
      timeout: 120_000,
    });
    assert.equal(r.exitCode, 0, r.stderr);
    const ids = r.stdout.trim().split('\n');
    assert.equal(ids.length, 2);
    for (const id of ids) {
      const { rows } = await db.query('SELECT state, canonical_id FROM heaters.videos WHERE id = $1', [id]);
      assert.equal(rows[0].state, 'ready', 'settled before the command returned');
    }
    const { rows } = await db.query(`SELECT canonical_id FROM heaters.videos WHERE id = ANY($1) ORDER BY canonical_id`, [ids]);
    assert.deepEqual(rows.map((x) => x.canonical_id), ['heaterstest:p1', 'heaterstest:p4']);
  });

  test("canonical identity: two URLs of one video are one video; the daemon's and the ingest's extractor args reach the extractor", async () => {
    video('dedupe1', { media: '/media/v.mp4', title: 't' });
    const a = await daemon.ingest(site.url('/heaters-test/video/dedupe1'), { extractorArgs: { heaterstest: { title_suffix: ['ingest'] } } });
    const b = await daemon.ingest(site.url('/heaters-test/watch?v=dedupe1'));
    assert.equal(b.videoId, a.videoId);
    assert.equal(b.created, false);
    const { rows } = await db.query('SELECT canonical_id, site FROM heaters.videos WHERE id = $1', [a.videoId]);
    assert.deepEqual(rows[0], { canonical_id: 'heaterstest:dedupe1', site: '127.0.0.1' });
    const v = await daemon.waitSettled(a.videoId);
    assert.equal(v.state, 'ready', `${v.errorCode}: ${v.errorMessage}`);
    assert.equal(v.title, 'daemon:t:ingest'); // HEATERS_EXTRACTOR_ARGS title_prefix + options.extractorArgs title_suffix
  });

  test('each failure is typed and retried only where a retry can help', async () => {
    const cases = ['bot_check', 'private', 'members_only', 'age_restricted', 'geo_blocked', 'removed', 'drm', 'upcoming'] as const;
    for (const code of cases) video(`f-${code}`, { error: code });
    video('f-live', { media: '/media/v.mp4', live_status: 'is_live' });
    video('f-soon', { media: '/media/v.mp4', live_status: 'is_upcoming' });
    const expect: Record<string, string> = { ...Object.fromEntries(cases.map((c) => [`f-${c}`, c])), 'f-live': 'live', 'f-soon': 'upcoming' };
    const ids = await Promise.all(Object.keys(expect).map(async (id) => [id, (await daemon.ingest(site.url(`/heaters-test/video/${id}`))).videoId] as const));
    for (const [id, videoId] of ids) {
      const v = await daemon.waitSettled(videoId);
      assert.equal(v.state, 'failed', id);
      assert.equal(v.errorCode, expect[id], `${id}: ${v.errorMessage}`);
      const runs = (await listStageRuns(db, videoId)).filter((r) => r.stage === 'download');
      assert.equal(runs.length, 1, `${id} is not worth a retry`);
    }
    // The live stream was refused before any media byte: no request for its file after the API call.
    const live = await daemon.waitSettled(ids.find(([id]) => id === 'f-live')![1]);
    assert.match(live.errorMessage ?? '', /live stream/);
  });

  test('429 is rate_limited: the site cools down, the download retries and succeeds', async () => {
    // Resolving succeeds; the download's first request meets the 429.
    site.api.set('video/r429', [{ body: { media: '/media/v.mp4' } }, { status: 429 }, { body: { media: '/media/v.mp4' } }]);
    const { videoId } = await daemon.ingest(site.url('/heaters-test/video/r429', 'localhost'));
    const v = await daemon.waitSettled(videoId);
    assert.equal(v.state, 'ready', `${v.errorCode}: ${v.errorMessage}`);
    const runs = (await listStageRuns(db, videoId)).filter((r) => r.stage === 'download');
    assert.ok(runs.some((r) => r.errorCode === 'rate_limited'), 'a failed attempt was typed rate_limited');
    assert.equal(runs.at(-1)!.ok, true);
    const state = await getSiteState(db, 'localhost');
    assert.ok(state && state.rateLimitedTotal >= 1);
  });

  test('cookies file content and proxy credentials are in no log, stored error or job data; both were really used', async () => {
    video('echo1', { echo_secrets: true });
    const { videoId } = await daemon.ingest(site.url('/heaters-test/video/echo1'));
    const v = await daemon.waitSettled(videoId);
    assert.equal(v.state, 'failed');
    assert.equal(v.errorCode, 'private'); // the extractor's text; it embedded the cookies and proxy in it
    // They were used: the proxy saw its credentials, the site saw the cookie.
    const api = site.seen.filter((s) => s.path === '/heaters-test/api/video/echo1');
    assert.ok(api.length > 0 && api.every((s) => s.proxied));
    assert.equal(api[0]!.proxyAuth, `Basic ${Buffer.from(`heaters:${PROXY_SECRET}`).toString('base64')}`);
    assert.match(api[0]!.cookie ?? '', new RegExp(COOKIE_SECRET));
    // And they are nowhere we keep text.
    assert.ok(logs.length > 1000 && /yt-dlp|echo1/.test(logs), 'debug logs were captured');
    const stored = await db.query(
      `SELECT coalesce(string_agg(x, ' '), '') AS t FROM (
         SELECT error_message AS x FROM heaters.videos
         UNION ALL SELECT details::text FROM heaters.stage_runs
         UNION ALL SELECT coalesce(cooldown_reason, '') FROM heaters.sites
         UNION ALL SELECT data::text || coalesce(output::text, '') FROM pgboss.job) s`,
    );
    for (const secret of [COOKIE_SECRET, PROXY_SECRET]) {
      assert.ok(!logs.includes(secret), `${secret} in the logs`);
      assert.ok(!(v.errorMessage ?? '').includes(secret), `${secret} in the stored error`);
      assert.ok(!String(stored.rows[0].t).includes(secret), `${secret} in the database`);
    }
    // The daemon's own redactor knows the cookie values too (read once at start).
    const { redactText } = await import('../src/log/index.ts');
    assert.ok(!redactText(`Cookie: session=${COOKIE_SECRET}`).includes(COOKIE_SECRET));
    assert.ok(!redactText(`value ${COOKIE_SECRET} in free text`).includes(COOKIE_SECRET));
    // The extractor printed the cookie it was given: the line is in the logs, the value is not.
    assert.match(logs, /session=\[redacted\]/);
  });
});

describe('per-site cooldown across daemons', () => {
  test('a 429 seen by one daemon stops the other from touching the site until the cooldown ends', async () => {
    await db.query(`DELETE FROM heaters.sites WHERE site = 'localhost'`);
    site.api.set('video/z429', [{ status: 429 }, { body: { error: 'removed' } }]); // fails fast once the site answers
    video('after1', { error: 'removed' }); // its answer does not matter, only when it is asked
    // Daemon B: another daemon on the same database.
    const b = await startTestDaemon({ ...env, LOG_LEVEL: 'silent' });
    try {
      // Daemon A meets the 429 while resolving; the cooldown (4 s) is in Postgres.
      await daemon.ingest(site.url('/heaters-test/video/z429', 'localhost'));
      const cooling = await getSiteState(db, 'localhost');
      assert.ok(cooling?.cooldownUntil && cooling.cooldownUntil.getTime() > Date.now());
      const { videoId } = await b.ingest(site.url('/heaters-test/video/after1', 'localhost'));
      const v = await b.waitSettled(videoId);
      assert.equal(v.errorCode, 'removed', `${v.errorCode}: ${v.errorMessage}`);
      const first = site.seen.find((s) => s.path === '/heaters-test/api/video/after1');
      assert.ok(first, 'after1 was fetched in the end');
      assert.ok(first.at >= cooling.cooldownUntil!.getTime() - 50, 'no request to the site before its cooldown ended');
      const deferred = await db.query(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'heaters.download' AND data->>'videoId' = $1 AND (data->>'siteDeferrals')::int >= 1`,
        [videoId],
      );
      assert.ok(deferred.rows[0].n >= 1, 'the download was deferred, not run');
    } finally {
      await b.close();
    }
  });
});

describe('yt-dlp version', () => {
  test('the version in use is a metric, and an old one is warned about', async () => {
    const { Registry } = await import('prom-client');
    const { publishedYtDlp, reportYtDlp, ytDlpInfo } = await import('../src/download/version.ts');
    const { createLogger } = await import('../src/log/index.ts');
    assert.deepEqual(ytDlpInfo('2026.08.19', new Date('2026-09-01T00:00:00Z')).old, false);
    assert.equal(ytDlpInfo('2023.03.04', new Date('2026-12-01T00:00:00Z')).ageDays, 1368);
    let out = '';
    const sink = new Writable({
      write(chunk, _e, cb) {
        out += String(chunk);
        cb();
      },
    });
    const registry = new Registry();
    const info = await reportYtDlp(daemon.deps.ioPool, registry, createLogger({ level: 'info', destination: sink }));
    assert.ok(info, 'a worker answered with its yt-dlp version');
    assert.match(await registry.metrics(), new RegExp(`heaters_ytdlp_age_days\\{version="${info.version.replace(/\./g, '\\.')}"\\} -?\\d+`));
    if (info.old) assert.match(out, /yt-dlp .* days old/);
    // The daemon published it on its own registry at start.
    assert.match(await daemon.deps.metrics.render(), /heaters_ytdlp_age_days\{version=/);
    // GET /healthz reads it from there.
    assert.equal((await publishedYtDlp(daemon.deps.metrics.registry))?.version, info.version);
  });
});

describe('configuration secrets', () => {
  test('the proxy password and token-like extractor arguments are secrets the logger never prints', async () => {
    const { loadConfig } = await import('../src/config.ts');
    const { createLogger } = await import('../src/log/index.ts');
    const cfg = loadConfig({
      HEATERS_PROXY: `http://u:${PROXY_SECRET}@proxy.example:3128`,
      HEATERS_EXTRACTOR_ARGS: 'youtube:player_client=web;po_token=web.gvs+PoTokenSecret123',
    });
    assert.ok(cfg.secrets.includes(PROXY_SECRET));
    assert.ok(cfg.secrets.includes('web.gvs+PoTokenSecret123'));
    assert.ok(!cfg.secrets.includes('web'), 'player_client is no secret');
    let out = '';
    const sink = new Writable({
      write(chunk, _e, cb) {
        out += String(chunk);
        cb();
      },
    });
    createLogger({ level: 'info', destination: sink, secrets: cfg.secrets }).info({ proxy: cfg.access.proxy, args: cfg.access.extractorArgs }, 'settings');
    assert.ok(out.includes('settings') && !out.includes(PROXY_SECRET) && !out.includes('PoTokenSecret123'), out);
  });

  test('workers do not inherit HEATERS_PROXY or HEATERS_EXTRACTOR_ARGS (the op gets them per request)', async () => {
    const { PythonWorker } = await import('../src/pool/index.ts');
    const { testLogger } = await import('./helpers/common.ts');
    const saved = { ...process.env };
    Object.assign(process.env, { HEATERS_PROXY: `http://u:${PROXY_SECRET}@p:1`, HEATERS_EXTRACTOR_ARGS: 'youtube:po_token=x', HEATERS_PLAIN: '1' });
    const worker = await PythonWorker.start({ python: '/usr/bin/python3', logger: testLogger(), testOps: true });
    process.env = saved;
    try {
      const names = (await worker.run('environ', {})) as { names: string[] };
      assert.ok(names.names.includes('HEATERS_PLAIN'));
      assert.ok(!names.names.includes('HEATERS_PROXY') && !names.names.includes('HEATERS_EXTRACTOR_ARGS'));
    } finally {
      await worker.close();
    }
  });
});

describe('per-site limits', () => {
  test('site concurrency holds: downloads from one site never overlap with HEATERS_SITE_LIMITS=127.0.0.1=1', async () => {
    for (const id of ['c1', 'c2']) video(id, { media: '/slow/media/v.mp4' });
    site.slow.max = 0;
    const ids = await Promise.all(['c1', 'c2'].map(async (id) => (await daemon.ingest(site.url(`/heaters-test/video/${id}`))).videoId));
    const settled = await settleAll(ids);
    assert.deepEqual(settled.map((v) => v.state), ['ready', 'ready']);
    assert.equal(site.slow.max, 1, 'four download workers, one site slot');
    assert.ok(daemon.deps.cfg.python.io.max > 1);
  });

  test("site slots: N per site across daemons, freed by release and by a dead daemon's session", async () => {
    const a = new SiteSlots(pgh.url, 'slots-a', testLogger()); // two daemons' slot connections
    const b = new SiteSlots(pgh.url, 'slots-b', testLogger());
    try {
      const a1 = await a.take('slots.example', 2);
      const a2 = await a.take('slots.example', 2);
      assert.ok(a1.ok && a1.slot && a2.ok && a2.slot);
      assert.notEqual(a1.slot.index, a2.slot.index, 'one process gets two different slots (its own locks are re-entrant)');
      assert.deepEqual(await a.take('slots.example', 2), { ok: false, wait: 'site full', reason: 'site full' });
      assert.deepEqual(await b.take('slots.example', 2), { ok: false, wait: 'site full', reason: 'site full' }, 'the other daemon sees the site full');
      const other = await b.take('other.example', 2);
      assert.ok(other.ok && other.slot, 'another site is unaffected');
      await a1.slot.release();
      const b1 = await b.take('slots.example', 2);
      assert.ok(b1.ok && b1.slot, 'a released slot is free for the other daemon');
      assert.equal(b1.slot.index, a1.slot.index);
      assert.deepEqual(await a.take('slots.example', 2), { ok: false, wait: 'site full', reason: 'site full' });
      // Daemon A killed mid-download: its session ends, and its slot with it.
      const killed = await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'heaters-site-slots:slots-a'`);
      assert.equal(killed.rowCount, 1);
      const b2 = await until('the dead session to end', async () => {
        const r = await b.take('slots.example', 2);
        return r.ok && r.slot ? r : undefined;
      }, 10_000);
      assert.equal(b2.slot?.index, a2.slot.index);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  test("a download whose site's slots are all held by another daemon is deferred, and starts once one is free", async () => {
    const media = '/slow/c/clip.mp4'; // requested by this test only
    video('c3', { media });
    const elsewhere = new SiteSlots(pgh.url, 'elsewhere', testLogger());
    try {
      const held = await elsewhere.take('127.0.0.1', 1);
      assert.ok(held.ok && held.slot, 'another daemon holds the only slot of 127.0.0.1');
      const from = logs.length;
      const fullDeferrals = () => (logs.slice(from).match(/"reason":"site full"[^\n]*download deferred: site busy/g) ?? []).length;
      const { videoId } = await daemon.ingest(site.url('/heaters-test/video/c3'));
      const counted = async () => (await daemon.deps.metrics.registry.getSingleMetric('heaters_download_deferrals_total')?.get())
        ?.values.find((x) => x.labels.site === '127.0.0.1' && x.labels.reason === 'site full')?.value ?? 0;
      const before = await counted();
      await until('two deferrals while the slot is held', () => fullDeferrals() >= 2);
      assert.ok((await counted()) - before >= 2, 'the deferrals are counted in heaters_download_deferrals_total');
      const releasedAt = Date.now();
      assert.deepEqual(site.seen.filter((x) => x.path === media), [], 'no media request while the slot is held');
      await held.slot.release();
      assert.equal((await daemon.waitSettled(videoId)).state, 'ready');
      assert.ok(site.seen.some((x) => x.path === media && x.at >= releasedAt), 'the download ran after the release');
    } finally {
      await elsewhere.stop();
    }
  });

  test('start spacing and cooldown are claimed atomically in Postgres', async () => {
    const { claimSiteStart, startCooldown } = await import('../src/sources/index.ts');
    const first = await claimSiteStart(db, 'spacing.example', 60_000);
    assert.deepEqual(first, { ok: true });
    const second = await claimSiteStart(db, 'spacing.example', 60_000);
    assert.equal(second.ok, false);
    if (!second.ok) {
      assert.equal(second.reason, 'start spacing');
      assert.equal(second.wait, 'start spacing');
      assert.ok(Math.abs(second.until.getTime() - Date.now() - 60_000) < 5_000);
    }
    await startCooldown(db, 'cool.example', 60_000, 'HTTP 429 from https://cool.example/v');
    const cooling = await claimSiteStart(db, 'cool.example', 0);
    assert.equal(cooling.ok, false);
    if (!cooling.ok) {
      assert.match(cooling.reason, /^cooldown: HTTP 429/);
      assert.equal(cooling.wait, 'cooldown');
    }
  });

  test('sites fold aliases; generic files of one name under two paths have two keys', async () => {
    const { entryKey, siteOf } = await import('../src/sources/index.ts');
    assert.equal(siteOf('https://youtu.be/dQw4w9WgXcQ'), 'youtube.com');
    assert.equal(siteOf('https://m.youtube.com/watch?v=x'), 'youtube.com');
    assert.equal(siteOf('https://www.example.com/a'), 'example.com');
    assert.equal(siteOf('/local/file.mp4'), undefined);
    const a = entryKey({ url: 'https://example.com/a/talk.mp4' }, false);
    const b = entryKey({ url: 'https://example.com/b/talk.mp4' }, false);
    assert.notEqual(a, b);
    const y1 = entryKey({ url: 'https://youtu.be/X', canonical: 'youtube:X' }, false);
    const y2 = entryKey({ url: 'https://www.youtube.com/watch?v=X', canonical: 'youtube:X' }, false);
    assert.equal(y1, y2);
    assert.notEqual(y1, entryKey({ url: 'https://youtu.be/X', canonical: 'youtube:X' }, true), 'master is part of the key');
  });
});
