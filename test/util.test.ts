// The small shared helpers: the one URL-password reader (config and the redactor both use it), the
// one wording of zod issues, the CLI's byte counts in binary units that match their divisor, and
// buildOnce (one build per target in a process, atomic publication, safe between processes).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { z } from 'zod';
import { REPO_ROOT } from './helpers/common.ts';
import { buildOnce } from '../src/util/build-once.ts';
import { bytes } from '../src/cli/format.ts';
import { loadConfig } from '../src/config.ts';
import { redactText, refreshEnvSecrets } from '../src/log/index.ts';
import { urlPassword } from '../src/util/url.ts';
import { formatZodError, zodIssues } from '../src/util/zod.ts';

test('urlPassword: the decoded password of a URL, or nothing', () => {
  assert.equal(urlPassword('postgres://app:s%40cr%2Fet@db:5432/heaters'), 's@cr/et');
  assert.equal(urlPassword('http://user:pw12@proxy:3128'), 'pw12');
  assert.equal(urlPassword('postgres://app@db/heaters'), undefined);
  assert.equal(urlPassword('https://example.com/a@b'), undefined);
  assert.equal(urlPassword('not a url @ all'), undefined);
  assert.equal(urlPassword('postgres://a:%E0%A4%A@h/d'), undefined); // malformed escape: no throw
});

test('the same password is a secret for the config and for the redactor', () => {
  const url = 'postgres://app:Hunter2pass@127.0.0.1:5432/heaters';
  const cfg = loadConfig({ DATABASE_URL: url });
  assert.ok(cfg.secrets.includes('Hunter2pass'), 'config lists the URL password among its secrets');
  refreshEnvSecrets({ SOME_URL: 'http://x:Zebra9secret@h/' });
  try {
    assert.equal(redactText('saw Zebra9secret in a line'), 'saw [REDACTED] in a line');
  } finally {
    refreshEnvSecrets({});
  }
});

test('zod issues on one line, by path, never by value', () => {
  const r = z.object({ port: z.number(), s3: z.object({ key: z.string() }) }).safeParse({ port: 'sekrit-value', s3: {} });
  assert.ok(!r.success);
  assert.deepEqual(zodIssues(r.error), ['port: Invalid input: expected number, received string', 's3.key: Invalid input: expected string, received undefined']);
  assert.doesNotMatch(formatZodError(r.error), /sekrit/);
  const root = z.number().safeParse('x');
  assert.ok(!root.success);
  assert.equal(formatZodError(root.error), '(root): Invalid input: expected number, received string');
});

test('bytes() divides by 1024 and says so (KiB, MiB, GiB)', () => {
  assert.equal(bytes(0), '0 B');
  assert.equal(bytes(1023), '1023 B');
  assert.equal(bytes(1536), '1.5 KiB');
  assert.equal(bytes(4.7 * 1024 ** 2), '4.7 MiB');
  assert.equal(bytes(3 * 1024 ** 3), '3.0 GiB');
  assert.equal(bytes(null), '-');
});

test('buildOnce: concurrent calls share one build; a failed build publishes nothing and is tried again', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'heaters-build-once-'));
  try {
    const target = path.join(dir, 'clip.mp4');
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      assert.equal(path.extname(tmp), '.mp4', 'the temporary file keeps the extension ffmpeg reads');
      assert.ok(!existsSync(target), 'nothing is published while the build runs');
      await writeFile(tmp, 'made once');
    };
    assert.deepEqual(await Promise.all([buildOnce(target, build), buildOnce(target, build), buildOnce(target, build)]), [target, target, target]);
    assert.equal(builds, 1);
    assert.equal(await readFile(target, 'utf8'), 'made once');
    await buildOnce(target, build);
    assert.equal(builds, 1, 'a built target is not built again');

    const broken = path.join(dir, 'broken.mp4');
    await assert.rejects(buildOnce(broken, async (tmp) => { await writeFile(tmp, 'half'); throw new Error('ffmpeg died'); }), /ffmpeg died/);
    assert.deepEqual((await readdir(dir)).sort(), ['clip.mp4'], 'neither the target nor its temporary file is left');
    await buildOnce(broken, async (tmp) => writeFile(tmp, 'second try'));
    assert.equal(await readFile(broken, 'utf8'), 'second try');

    const set = path.join(dir, 'set');
    await buildOnce(set, async (tmp) => writeFile(path.join(tmp, 'a.txt'), 'a'), { dir: true });
    assert.deepEqual((await readdir(set)).sort(), ['.complete', 'a.txt'], 'a directory is built when it holds its marker');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('buildOnce: two processes racing on one directory both return it, complete, from one of the two builds', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'heaters-build-once-'));
  try {
    const target = path.join(dir, 'set');
    // Each process marks that its build has started and waits until the other's has too, so both
    // really build at once; then it writes its pid and returns.
    const script = `
      import { existsSync } from 'node:fs';
      import { writeFile } from 'node:fs/promises';
      import path from 'node:path';
      import { setTimeout as tick } from 'node:timers/promises';
      import { buildOnce } from ${JSON.stringify(path.join(REPO_ROOT, 'src/util/build-once.ts'))};
      const [dir, me, other] = process.argv.slice(1);
      const out = await buildOnce(path.join(dir, 'set'), async (tmp) => {
        await writeFile(path.join(dir, 'started-' + me), '');
        while (!existsSync(path.join(dir, 'started-' + other))) await tick(5);
        await writeFile(path.join(tmp, 'by'), me);
      }, { dir: true });
      console.log(out);`;
    const run = (me: string, other: string) => execa(process.execPath, ['--input-type=module', '-e', script, dir, me, other], { timeout: 30_000 });
    const [a, b] = await Promise.all([run('a', 'b'), run('b', 'a')]);
    assert.equal(a.stdout, target);
    assert.equal(b.stdout, target);
    assert.ok(existsSync(path.join(target, '.complete')));
    assert.match(await readFile(path.join(target, 'by'), 'utf8'), /^[ab]$/);
    assert.deepEqual((await readdir(dir)).sort(), ['set', 'started-a', 'started-b'], 'the loser leaves no temporary directory');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
