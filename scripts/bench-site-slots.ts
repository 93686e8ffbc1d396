// `npm run bench:site-slots`: does pg-boss's group limit alone keep one site's downloads from
// overlapping when fetches race, and do the site slots (src/sources/slots.ts)? The daemon's download
// workers' shape (four boss.work loops, batchSize 1, the queue's groupConcurrency of 1, a NOTIFY per
// send, notifyWorker after each job) on one embedded PostgreSQL; R rounds of two jobs of one group
// sent at once, each held H ms. Counts how often a second job of the group was admitted while one
// ran. Mode "boss": pg-boss alone; mode "slots": a handler first takes a slot and, finding the site
// full, sends the job again SLOT_RETRY_MS later, as the download stage does. Both modes run, one after the other.
//   node scripts/bench-site-slots.ts [--rounds 30] [--hold-ms 300] [--json]
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Job } from 'pg-boss';
import { SLOT_RETRY_MS } from '../src/pipeline/download.ts';
import { QUEUES, createQueues, startBoss } from '../src/queue/index.ts';
import { SiteSlots } from '../src/sources/index.ts';
import { testLogger } from '../test/helpers/common.ts';
import { startTestPostgres } from '../test/helpers/postgres.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '30' }, 'hold-ms': { type: 'string', default: '300' }, json: { type: 'boolean', default: false } },
});
const rounds = Number(values.rounds), holdMs = Number(values['hold-ms']);
const SITE = 'race.example';

async function run(mode: 'boss' | 'slots') {
  const pgh = await startTestPostgres();
  const logger = testLogger();
  const boss = await startBoss({ url: pgh.url, logger });
  await createQueues(boss);
  const slots = new SiteSlots(pgh.url, 'bench', logger);
  const s = { inFlight: 0, admittedWhileBusy: 0, maxAtOnce: 0, done: 0, deferred: 0 };
  for (let i = 0; i < 4; i++) {
    const id: string = await boss.work(QUEUES.download, { batchSize: 1, groupConcurrency: { default: 1 }, notifyPollingIntervalSeconds: 2 }, async (jobs: Job<object>[]) => {
      try {
        for (const job of jobs) {
          let slot;
          if (mode === 'slots') {
            const a = await slots.take(SITE, 1);
            if (!a.ok) {
              s.deferred++;
              await boss.send(QUEUES.download, job.data, { group: { id: SITE }, startAfter: new Date(Date.now() + SLOT_RETRY_MS) });
              return;
            }
            slot = a.slot;
          }
          if (++s.inFlight > 1) s.admittedWhileBusy++;
          s.maxAtOnce = Math.max(s.maxAtOnce, s.inFlight);
          await sleep(holdMs);
          s.inFlight--;
          s.done++;
          await slot?.release();
        }
      } finally {
        boss.notifyWorker(id);
      }
    });
  }
  const t0 = Date.now();
  for (let r = 0; r < rounds; r++) {
    await Promise.all([0, 1].map((k) => boss.send(QUEUES.download, { round: r, k }, { group: { id: SITE } })));
    while (s.done < (r + 1) * 2) await sleep(20);
  }
  const seconds = (Date.now() - t0) / 1000;
  await slots.stop();
  await boss.stop({ graceful: false, close: true });
  await pgh.stop();
  return { mode, jobs: rounds * 2, admittedWhileBusy: s.admittedWhileBusy, maxAtOnce: s.maxAtOnce, deferred: s.deferred, seconds };
}

const results = [await run('boss'), await run('slots')];
if (values.json) console.log(JSON.stringify({ rounds, holdMs, results }, null, 2));
else {
  console.log(`${rounds} rounds of two jobs of one group sent at once, each held ${holdMs} ms; groupConcurrency 1, four workers\n`);
  console.log('| mode | jobs | admitted while one ran | most at once | deferred (site full) | wall s |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.mode === 'boss' ? 'pg-boss alone' : 'with site slots'} | ${r.jobs} | ${r.admittedWhileBusy} | ${r.maxAtOnce} | ${r.deferred} | ${r.seconds.toFixed(1)} |`);
}
