// `npm run chaos`: every chaos case against real processes (daemons, Python, ffmpeg, Debian's
// PostgreSQL, s3rver behind a TCP proxy), one after another, then a table. Exits non-zero on any
// loss: a video neither ready nor failed with a typed error, a duplicate clip or store object, or an
// orphan process. `--case <substring>` runs only matching cases; `--json` prints JSON too.
import { parseArgs } from 'node:util';
import { CHAOS_CASES, type ChaosResult } from '../test/helpers/chaos-cases.ts';

const { values } = parseArgs({ options: { case: { type: 'string' }, json: { type: 'boolean', default: false } } });
const cases = CHAOS_CASES.filter((c) => !values.case || c.name.includes(values.case));
const results: ChaosResult[] = [];
for (const c of cases) {
  const t0 = Date.now();
  process.stderr.write(`chaos: ${c.name} …\n`);
  try {
    const r = await c.run();
    results.push(r);
    process.stderr.write(`chaos: ${c.name}: ${r.ready}/${r.videos} ready, ${r.lost} lost, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  } catch (err) {
    results.push({ case: c.name, videos: 0, ready: 0, lost: 1, duplicateClips: 0, extraObjects: 0, orphans: 0, faultToReadyS: null, failedCodes: [], redownloads: 0, storeGets: 0, notes: `harness error: ${(err as Error).message.slice(0, 200)}` });
    process.stderr.write(`chaos: ${c.name}: ERROR ${(err as Error).stack}\n`);
  }
}

const head = ['case', 'videos', 'ready', 'lost', 'duplicate clips', 'extra objects', 'orphan processes', 'fault → ready s', 'typed failures', 're-downloads', 'store GETs', 'notes'];
const rows = results.map((r) => [
  r.case, r.videos, r.ready, r.lost, r.duplicateClips, r.extraObjects, r.orphans,
  r.faultToReadyS === null ? '–' : r.faultToReadyS.toFixed(1), r.failedCodes.join(', ') || '–', r.redownloads, r.storeGets, r.notes,
]);
process.stdout.write(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|\n`);
for (const row of rows) process.stdout.write(`| ${row.join(' | ')} |\n`);
if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
const bad = results.filter((r) => r.lost > 0 || r.duplicateClips > 0 || r.extraObjects > 0 || r.orphans > 0);
if (bad.length) process.stderr.write(`chaos: ${bad.length} case(s) lost something: ${bad.map((b) => b.case).join('; ')}\n`);
process.exit(bad.length ? 1 : 0);
