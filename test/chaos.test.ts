// The fast chaos cases (test/helpers/chaos-cases.ts) as tests: real daemon processes killed with -9,
// Python workers killed mid-detection, a host that dies for good while another lives, a PostgreSQL
// restart under six ingests, SIGTERM mid-encode. Shorter sources than `npm run chaos` uses, and a
// 5 s staleness limit, so the suite stays quick; the acceptance figures come from the script.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHAOS_CASES, type ChaosResult } from './helpers/chaos-cases.ts';
import { haveDebianPostgres } from './helpers/pg-server.ts';

const specs = {
  remux: { kind: 'h264_aac_mp4', width: 1280, height: 720, fps: 30, durationS: 8, cutsAtS: [3, 6] },
  encode: { kind: 'vp9_opus_webm', width: 1280, height: 720, fps: 30, durationS: 12, cutsAtS: [4, 8] },
} as const;

const rootOk = process.getuid?.() === 0;

describe('chaos (fast cases)', { skip: !haveDebianPostgres() && 'Debian postgresql is not installed (scripts/setup.sh installs it)' }, () => {
  for (const c of CHAOS_CASES.filter((x) => x.fast)) {
    const needsRoot = c.name.startsWith('two hosts');
    test(c.name, { skip: needsRoot && !rootOk && 'needs root (a tmpfs per host in its own mount namespace)' }, async () => {
      const r: ChaosResult = await c.run({ specs: { remux: { ...specs.remux, cutsAtS: [...specs.remux.cutsAtS] }, encode: { ...specs.encode, cutsAtS: [...specs.encode.cutsAtS] } }, staleS: 5 });
      assert.equal(r.ready, r.videos, `every video ready: ${JSON.stringify(r)}`);
      assert.equal(r.lost, 0);
      assert.equal(r.duplicateClips, 0, 'no duplicate clips');
      assert.equal(r.extraObjects, 0, 'one store object per artefact');
      assert.equal(r.orphans, 0, 'no process outlives its daemon');
      if (c.name.startsWith('kill -9 daemon')) {
        assert.match(r.notes, /children at the kill/);
        assert.ok(!/; 0 children/.test(r.notes), 'the kill found work in flight (Python workers, ffmpeg)');
        assert.ok(r.resumeS !== undefined && r.resumeS < 5, `resumed at once after the restart (${r.resumeS} s), not after a timeout`);
      }
      if (c.name.startsWith('two hosts')) assert.match(r.notes, /B took over [1-9]/, 'the live host took the dead one\'s videos');
    });
  }
});
