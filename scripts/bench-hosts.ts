// `npm run bench:hosts`: the same N ingests (half remuxed H.264, half encoded VP9) on one host and on
// two hosts that do not share a work disk, side by side in one run, on one PostgreSQL and one object
// store. Each daemon runs in a mount namespace of its own with a tmpfs on its work dir (root only),
// the same path on two disks, as on two machines. Reports wall time (first send → last ready),
// re-downloads, store GETs, bytes per video (store traffic + source bytes downloaded), and where the
// videos ran. Order: 1 host, 2 hosts, 1 host again (the machine is noisy: the two one-host runs
// bracket the two-host one). Production settings: the daemon's defaults for pools and concurrency,
// but for the per-site download limit (see below).
//   node scripts/bench-hosts.ts [--n 12] [--json]
import { parseArgs } from 'node:util';
import { ENCODE_SPEC, REMUX_SPEC, startCluster } from '../test/helpers/cluster.ts';
import { generate } from '../test/helpers/media/index.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '12' }, json: { type: 'boolean', default: false } } });
const N = Number(values.n);
if (!Number.isInteger(N) || N < 2) throw new Error('--n must be an integer ≥ 2');
if (process.getuid?.() !== 0) throw new Error('bench:hosts needs root: each daemon gets its own tmpfs in its own mount namespace');

interface Phase {
  hosts: number;
  videos: number;
  ready: number;
  wallS: number;
  redownloads: number;
  storeGets: number;
  storeBytesPerVideo: number;
  downloadBytesPerVideo: number;
  perHost: Record<string, number>;
  encodes: number;
}

async function phase(hosts: number): Promise<Phase> {
  const c = await startCluster();
  try {
    const names = hosts === 1 ? ['host-a'] : ['host-a', 'host-b'];
    const workDir = `${c.root}/disks/node`; // the same path for every host, each on its own tmpfs
    // Every source here is on one loopback "site", whose default politeness limit (2 downloads at a
    // time across all hosts) would let the first host to free a slot win every download; real
    // ingests come from many sites. The limit is raised so that both hosts take downloads.
    const env = { HEATERS_SITE_CONCURRENCY: '8' };
    for (const id of names) await c.startDaemon({ name: id, hostId: id, workDir, tmpfs: '4g', env });
    const urls: string[] = [];
    for (let i = 0; i < N; i++) urls.push(await c.urlFor(i % 2 ? ENCODE_SPEC : REMUX_SPEC));
    const t0 = Date.now();
    const ids = await Promise.all(urls.map((u) => c.ingest(u)));
    const rows = await c.waitSettled(ids, 30 * 60_000);
    const a = await c.audit(ids);
    const wallS = a.lastReadyAt ? (a.lastReadyAt.getTime() - t0) / 1000 : NaN;
    const { rows: runs } = await c.db.query<{ bytes_up: string | null; bytes_down: string | null; details: Record<string, unknown> | null; encode_passes: number | null }>(
      'SELECT bytes_up, bytes_down, details, encode_passes FROM heaters.stage_runs WHERE video_id = ANY($1)',
      [ids],
    );
    const storeBytes = runs.reduce((n, r) => n + Number(r.bytes_up ?? 0) + Number(r.bytes_down ?? 0), 0);
    const downloadBytes = runs.reduce((n, r) => n + Number(r.details?.downloadedBytes ?? 0), 0);
    const perHost: Record<string, number> = {};
    for (const r of rows) perHost[r.host_id ?? '?'] = (perHost[r.host_id ?? '?'] ?? 0) + 1;
    return {
      hosts,
      videos: ids.length,
      ready: a.ready,
      wallS,
      redownloads: a.redownloads,
      storeGets: a.storeGets,
      storeBytesPerVideo: storeBytes / ids.length,
      downloadBytesPerVideo: downloadBytes / ids.length,
      perHost,
      encodes: runs.reduce((n, r) => n + Number(r.encode_passes ?? 0), 0),
    };
  } finally {
    await c.close();
  }
}

// Generate the media before any timing.
await generate(REMUX_SPEC);
await generate(ENCODE_SPEC);
const results: Phase[] = [];
for (const hosts of [1, 2, 1]) {
  process.stderr.write(`bench:hosts: ${hosts} host(s), ${N} ingests …\n`);
  const r = await phase(hosts);
  results.push(r);
  process.stderr.write(`bench:hosts: ${hosts} host(s): ${r.ready}/${r.videos} ready in ${r.wallS.toFixed(1)} s\n`);
}

const mb = (b: number) => (b / 1e6).toFixed(2);
const head = ['run', 'hosts', 'ready', 'wall s', 're-downloads', 'store GETs', 'store MB/video', 'downloaded MB/video', 'encodes', 'videos per host'];
const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
results.forEach((r, i) =>
  lines.push(
    `| ${i + 1} | ${r.hosts} | ${r.ready}/${r.videos} | ${r.wallS.toFixed(1)} | ${r.redownloads} | ${r.storeGets} | ${mb(r.storeBytesPerVideo)} | ${mb(r.downloadBytesPerVideo)} | ${r.encodes} | ${Object.entries(r.perHost).map(([h, n]) => `${h}: ${n}`).join(', ')} |`,
  ),
);
const one = (results[0]!.wallS + results[2]!.wallS) / 2;
lines.push('', `2 hosts / 1 host (mean of the two one-host runs): wall ${(results[1]!.wallS / one).toFixed(2)}×`);
process.stdout.write(`${lines.join('\n')}\n`);
if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
