// The `heaters` CLI as a person runs it: real processes, embedded Postgres, filesystem store.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { freePort } from './helpers/postgres.ts';
import { REPO_ROOT } from './helpers/common.ts';
import { DEFAULT_SAMPLE, ensureCutSample } from './helpers/media/index.ts';

const NODE = process.execPath;
const CLI = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');
let dataDir: string;
let env: Record<string, string>;

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'heaters-cli-'));
  env = { HEATERS_DATA_DIR: dataDir, HEATERS_PG_PORT: String(await freePort()), HEATERS_HTTP_PORT: String(await freePort()), LOG_LEVEL: 'info' };
});
after(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const cli = (args: string[], extra: Record<string, string> = {}) =>
  execa(NODE, [CLI, ...args], { env: { ...env, ...extra }, reject: false, cwd: REPO_ROOT, timeout: 240_000 });

describe('heaters run (the README main job)', () => {
  test('run --sample: generated sample ingested end to end, clips printed, exit 0', async () => {
    const r = await cli(['run', '--sample']);
    assert.equal(r.exitCode, 0, r.stderr.slice(-2000));
    assert.match(r.stdout, /state\s+ready/);
    assert.match(r.stdout, /clips:/);
    // One table row per scene of the sample.
    const rows = r.stdout.split('clips:\n')[1]!.split('\n\n')[0]!.split('\n').slice(2);
    assert.equal(rows.length, DEFAULT_SAMPLE.scenes.length, r.stdout);
    assert.match(r.stdout, /cost report:[\s\S]*finalize/);
    assert.match(r.stdout, /ready in [\d.]+ s from send/);
    // Progress was visible while it ran (stderr is not a TTY here: one line per change).
    assert.match(r.stderr, /^(preprocessing|detecting) /m, 'a progress line, not a log line');
  });

  test('run on a bad file: typed error, exit code 1', async () => {
    const bad = path.join(dataDir, 'notes.txt');
    await writeFile(bad, 'this is not a video\n'.repeat(50));
    const r = await cli(['run', bad]);
    assert.equal(r.exitCode, 1, r.stderr.slice(-2000));
    assert.match(r.stderr, /failed after .* not_a_video/);
  });

  test('usage errors exit 2', async () => {
    assert.equal((await cli(['bogus'])).exitCode, 2);
    assert.equal((await cli(['status'])).exitCode, 2);
  });
});

describe('heaters daemon + client commands', () => {
  let daemon: ResultPromise | undefined;
  let sample: string;

  before(async () => {
    sample = await ensureCutSample({ ...DEFAULT_SAMPLE, width: 320, height: 180, scenes: [2, 2] });
    daemon = execa(NODE, [CLI, 'daemon'], { env, cwd: REPO_ROOT, reject: false, buffer: false, stdin: 'ignore' });
    // Ready when the daemon says so on its log stream.
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      daemon!.stderr!.on('data', (b: Buffer) => {
        seen += b.toString();
        if (seen.includes('"daemon ready"')) resolve();
      });
      void daemon!.then((r) => reject(new Error(`daemon exited early (${r.exitCode}): ${seen.slice(-1500)}`)));
    });
  });
  after(async () => {
    if (daemon && daemon.exitCode === null) daemon.kill('SIGKILL');
  });

  test('ingest --wait, status, clips --json, report; a failing ingest exits 1; SIGTERM stops cleanly', async () => {
    const ok = await cli(['ingest', sample, '--wait']);
    assert.equal(ok.exitCode, 0, ok.stderr.slice(-2000));
    const id = ok.stdout.trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    // Progress lines reached the terminal while waiting.
    assert.match(ok.stderr, /^ready$/m);

    const status = await cli(['status', id]);
    assert.equal(status.exitCode, 0);
    assert.match(status.stdout, /state\s+ready/);
    assert.match(status.stdout, /proxy\s+file:\/\//);
    // The host that holds the video, its liveness, and the yt-dlp its workers run.
    assert.match(status.stdout, /host\s+\S+ \((heartbeat \d+ s ago|stopped)(, yt-dlp \d{4}\.\d{2}\.\d{2}[.\d]*)?\)/);
    const sj = JSON.parse((await cli(['status', id, '--json'])).stdout) as { host: { id: string; ytDlp: string | null } | null };
    assert.ok(sj.host?.id, 'status --json names the host');
    assert.match(sj.host?.ytDlp ?? '', /^\d{4}\.\d{2}\.\d{2}/, 'and the yt-dlp version in use');

    const clips = await cli(['clips', id, '--json']);
    const parsed = JSON.parse(clips.stdout) as Array<{ startFrame: number }>;
    assert.equal(parsed.length, 2);
    assert.ok(Math.abs(parsed[1]!.startFrame - 2 * DEFAULT_SAMPLE.fps) <= 1);

    const report = await cli(['report', id]);
    assert.equal(report.exitCode, 0);
    for (const stage of ['download', 'preprocess', 'detect', 'finalize', 'total']) assert.match(report.stdout, new RegExp(`^${stage}\\b`, 'm'));

    // Re-detection with other parameters: the 60-frame scenes merge under an 80-frame minimum.
    const redo = await cli(['redetect', id, '--param', 'min_scene_len=80', '--wait']);
    assert.equal(redo.exitCode, 0, redo.stderr.slice(-1500));
    const clipsAfter = JSON.parse((await cli(['clips', id, '--json'])).stdout) as unknown[];
    assert.equal(clipsAfter.length, 1);
    const badParam = await cli(['redetect', id, '--param', 'no_such_param=1']);
    assert.equal(badParam.exitCode, 2);
    assert.match(badParam.stderr, /no_such_param/);

    const bad = await cli(['ingest', 'ftp://127.0.0.1/x.mp4', '--wait']);
    assert.equal(bad.exitCode, 1);
    assert.match(bad.stderr, /unsupported_url/);

    assert.equal((await cli(['status', '00000000-0000-0000-0000-000000000000'])).exitCode, 2);

    daemon!.kill('SIGTERM');
    const r = await daemon!;
    assert.equal(r.exitCode, 0, 'graceful shutdown exits 0');
    // The embedded Postgres went down with it: the data dir is free for the next start.
    const again = await cli(['status', id]);
    assert.equal(again.exitCode, 0, again.stderr.slice(-1500));
  });
});
