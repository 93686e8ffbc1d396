// `heaters doctor`: is this machine ready to run the daemon? One line per check, `ok`, `warn` or
// `FAIL` with the problem and its fix: ffmpeg and ffprobe, the Python interpreter and the modules the
// workers import, one worker started as the pools start it, yt-dlp's version and age, the database (reachable, every migration applied), the
// object store (a small object written, read back by HEAD, deleted), and free space in the work dir.
// Exit 1 when any check fails (a warning alone exits 0).
import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { access, mkdtemp, rm, stat, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { Config } from '../config.ts';
import { createDb, endPool } from '../db/client.ts';
import { EmbeddedPostgresError, embeddedUrl, startEmbeddedPostgres } from '../db/embedded/index.ts';
import { loadMigrations } from '../db/migrate.ts';
import type { Logger } from '../log/index.ts';
import { redactText } from '../log/index.ts';
import { resolveFfmpeg } from '../media/index.ts';
import { PythonWorker } from '../pool/index.ts';
import { createStore } from '../storage/index.ts';
import type { CommandContext } from './context.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface Check {
  name: string;
  status: CheckStatus;
  /** What was found (version, path), or the problem. */
  detail: string;
  /** How to fix a problem. */
  fix?: string;
}

/** Modules the workers import at start (python/heaters_worker), and the Debian package of each. */
const PYTHON_MODULES = [
  { module: 'cv2', pkg: 'python3-opencv' },
  { module: 'numpy', pkg: 'python3-numpy' },
  { module: 'yt_dlp', pkg: 'yt-dlp (pip install yt-dlp for a current one)' },
] as const;
/** yt-dlp older than this gets a warning: sites (YouTube first) change faster. */
export const YTDLP_MAX_AGE_DAYS = 90;
/** Free space in the work dir below which the check fails / warns (a 1080p source and its proxy). */
const MIN_FREE_BYTES = 2 * 1024 ** 3;
const WARN_FREE_BYTES = 10 * 1024 ** 3;

export async function doctorCommand(c: CommandContext): Promise<number> {
  const checks = await runChecks(c.cfg, c.logger);
  const ok = checks.every((k) => k.status !== 'fail');
  if (c.values.json) {
    process.stdout.write(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
  } else {
    const width = Math.max(...checks.map((k) => k.name.length));
    for (const k of checks) {
      const mark = k.status === 'ok' ? 'ok  ' : k.status === 'warn' ? 'warn' : 'FAIL';
      process.stdout.write(`${mark}  ${k.name.padEnd(width)}  ${k.detail}${k.fix ? ` — fix: ${k.fix}` : ''}\n`);
    }
  }
  return ok ? 0 : 1;
}

export async function runChecks(cfg: Config, logger: Logger, now = new Date()): Promise<Check[]> {
  const [media, python, database, store, disk] = await Promise.all([
    checkFfmpeg(cfg),
    checkPython(cfg, logger, now),
    checkDatabase(cfg, logger),
    checkStore(cfg, logger),
    checkDisk(cfg),
  ]);
  return [...media, ...python, database, store, disk];
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function findOnPath(bin: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    if (await isExecutable(path.join(dir, bin))) return path.join(dir, bin);
  }
  return undefined;
}

const firstLine = (s: string) => s.split('\n')[0]?.trim() ?? '';
const reason = (err: unknown) => redactText(err instanceof Error ? err.message : String(err));

async function checkFfmpeg(cfg: Config): Promise<Check[]> {
  const out: Check[] = [];
  for (const bin of ['ffmpeg', 'ffprobe'] as const) {
    const override = bin === 'ffmpeg' ? cfg.ffmpegPath : cfg.ffprobePath;
    const envName = bin === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH';
    const fix = `install ffmpeg (apt-get install ffmpeg) or set ${envName} to the ${bin} binary`;
    // The daemon's own lookup (override, ffmpeg-static, PATH); it stops at the first missing binary,
    // so a missing ffmpeg must not hide a present ffprobe: that one is then looked up on its own.
    const resolved = await resolveFfmpeg({ ffmpegPath: cfg.ffmpegPath, ffprobePath: cfg.ffprobePath }).catch(() => undefined);
    const file = resolved?.[bin] ?? (override ? ((await isExecutable(override)) ? override : undefined) : await findOnPath(bin));
    if (!file) {
      out.push({ name: bin, status: 'fail', detail: override ? `${bin} not found at ${override}` : `${bin} not found on PATH`, fix });
      continue;
    }
    const r = await execa(file, ['-hide_banner', '-version'], { reject: false, timeout: 15_000 });
    const m = /version (\S+)/.exec(r.stdout);
    if (r.exitCode !== 0 || !m) {
      out.push({ name: bin, status: 'fail', detail: `${file} -version failed: ${firstLine(r.stderr || r.stdout || r.message || '')}`, fix });
    } else {
      out.push({ name: bin, status: 'ok', detail: `${m[1]} (${file})` });
    }
  }
  return out;
}

// Prints one JSON object: the interpreter's version and, per module, its version or import error.
const PROBE = `
import importlib, json, sys
out = {"python": sys.version.split()[0], "modules": {}}
for name in sys.argv[1:]:
    try:
        m = importlib.import_module(name)
        v = getattr(m, "__version__", None)
        if name == "yt_dlp":
            from yt_dlp.version import __version__ as v
        out["modules"][name] = {"version": str(v)}
    except Exception as e:
        out["modules"][name] = {"error": "%s: %s" % (type(e).__name__, e)}
print(json.dumps(out))
`;

async function checkPython(cfg: Config, logger: Logger, now: Date): Promise<Check[]> {
  const exe = cfg.python.executable;
  const r = await execa(exe, ['-c', PROBE, ...PYTHON_MODULES.map((m) => m.module)], { reject: false, timeout: 60_000 });
  if (r.failed && (r.exitCode === undefined || r.code === 'ENOENT' || r.code === 'EACCES')) {
    return [{ name: 'python', status: 'fail', detail: `cannot run ${exe}: ${r.code ?? firstLine(r.message ?? '')}`, fix: 'install python3 (apt-get install python3) or set HEATERS_PYTHON to an interpreter' }];
  }
  let probe: { python: string; modules: Record<string, { version?: string; error?: string }> };
  try {
    probe = JSON.parse(firstLine(r.stdout)) as typeof probe;
  } catch {
    return [{ name: 'python', status: 'fail', detail: `${exe} did not run the probe: ${firstLine(r.stderr) || `exit ${r.exitCode}`}`, fix: 'set HEATERS_PYTHON to a Python 3 interpreter' }];
  }
  const out: Check[] = [{ name: 'python', status: 'ok', detail: `${probe.python} (${exe})` }];
  for (const { module, pkg } of PYTHON_MODULES) {
    const m = probe.modules[module];
    if (!m || m.error !== undefined) {
      out.push({ name: `python ${module}`, status: 'fail', detail: `cannot import ${module}: ${redactText(m?.error ?? 'no answer')}`, fix: `install ${pkg} for ${exe}` });
      continue;
    }
    out.push({ name: `python ${module}`, status: 'ok', detail: m.version ?? 'imported' });
  }
  // The worker itself, as the daemon's pools start it: `python -m heaters_worker`, ready, one ping.
  if (out.every((k) => k.status === 'ok')) out.push(await checkWorker(cfg, logger));
  const yt = probe.modules.yt_dlp?.version;
  if (yt) out.push(ytDlpAge(yt, now));
  return out;
}

async function checkWorker(cfg: Config, logger: Logger): Promise<Check> {
  const t0 = Date.now();
  let worker: PythonWorker | undefined;
  try {
    worker = await PythonWorker.start({ python: cfg.python.executable, logger, readyTimeoutMs: 60_000, name: 'doctor' });
    if (!(await worker.ping(10_000))) throw new Error('no answer to ping');
    return { name: 'python worker', status: 'ok', detail: `ready and answering in ${Date.now() - t0} ms; ops ${worker.ops.join(', ')}` };
  } catch (err) {
    return { name: 'python worker', status: 'fail', detail: `python -m heaters_worker did not start: ${reason(err)}`, fix: 'run it by hand with PYTHONPATH=python to see its error' };
  } finally {
    await worker?.close().catch(() => undefined);
  }
}

/** yt-dlp versions are release dates (2023.03.04, 2026.08.19.1): old ones cannot follow the sites. */
export function ytDlpAge(version: string, now: Date): Check {
  const m = /^(\d{4})\.(\d{1,2})\.(\d{1,2})/.exec(version);
  if (!m) return { name: 'yt-dlp age', status: 'warn', detail: `version ${version} is not a release date`, fix: 'install a yt-dlp release' };
  const released = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const days = Math.floor((now.getTime() - released) / 86_400_000);
  if (days <= YTDLP_MAX_AGE_DAYS) return { name: 'yt-dlp age', status: 'ok', detail: `${version}, ${days} days old` };
  return {
    name: 'yt-dlp age',
    status: 'warn',
    detail: `${version} is ${days} days old: direct files and simple pages work, YouTube and other sites likely do not`,
    fix: 'pip install -U yt-dlp (the image pins YT_DLP_VERSION)',
  };
}

async function checkDatabase(cfg: Config, logger: Logger): Promise<Check> {
  let url: string;
  let stop: (() => Promise<void>) | undefined;
  const where = cfg.database.kind === 'external' ? redactText(cfg.database.url) : `embedded (${cfg.database.dir}, port ${cfg.database.port})`;
  try {
    if (cfg.database.kind === 'external') url = cfg.database.url;
    else if (!existsSync(path.join(cfg.database.dir, 'PG_VERSION'))) {
      // Nothing to check yet, and doctor creates nothing: the daemon's first start runs initdb.
      return { name: 'database', status: 'ok', detail: `${where}: not created yet (the first start initialises it and applies the migrations)` };
    } else {
      try {
        const server = await startEmbeddedPostgres({ dir: cfg.database.dir, port: cfg.database.port, logger });
        url = server.url;
        stop = () => server.stop();
      } catch (err) {
        if (!(err instanceof EmbeddedPostgresError && err.code === 'pg_dir_in_use')) throw err;
        url = embeddedUrl(cfg.database.port); // a daemon runs it
      }
    }
  } catch (err) {
    return { name: 'database', status: 'fail', detail: `${where}: cannot start: ${reason(err)}`, fix: `check ${cfg.database.dir} and that port ${cfg.database.kind === 'embedded' ? cfg.database.port : ''} is free (HEATERS_PG_PORT)` };
  }
  const pool = createDb(url, { max: 1, applicationName: 'heaters-doctor' });
  try {
    const { rows } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v").catch((err: unknown) => {
      throw Object.assign(new Error(reason(err)), { unreachable: true });
    });
    const version = rows[0]?.v ?? '?';
    const applied = await pool
      .query<{ version: number }>('SELECT version FROM heaters.schema_migrations')
      .then((r) => new Set(r.rows.map((x) => x.version)))
      .catch(() => new Set<number>());
    const pending = (await loadMigrations()).filter((m) => !applied.has(m.version));
    if (pending.length) {
      return {
        name: 'database',
        status: 'fail',
        detail: `PostgreSQL ${version} at ${where}: ${pending.length} migration(s) not applied (${pending.map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`).join(', ')})`,
        fix: 'start the daemon once (heaters daemon): it applies migrations at start',
      };
    }
    return { name: 'database', status: 'ok', detail: `PostgreSQL ${version} at ${where}, ${applied.size} migrations applied` };
  } catch (err) {
    return { name: 'database', status: 'fail', detail: `${where}: unreachable: ${reason(err)}`, fix: 'check DATABASE_URL and that the server is up and accepts this user' };
  } finally {
    await endPool(pool).catch(() => undefined);
    await stop?.().catch(() => undefined);
  }
}

async function checkStore(cfg: Config, logger: Logger): Promise<Check> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'heaters-doctor-'));
  try {
    const store = createStore(cfg.storage, { logger });
    const key = `.heaters-doctor/${randomBytes(8).toString('hex')}.txt`;
    const file = path.join(tmp, 'probe.txt');
    await writeFile(file, 'heaters doctor\n');
    await store.put(key, file, { contentType: 'text/plain' });
    const seen = await store.exists(key);
    await store.delete(key);
    if (!seen) return { name: 'store', status: 'fail', detail: `${store.uri(key)} written but not found`, fix: 'check the store (STORAGE_URL, S3_ENDPOINT)' };
    return { name: 'store', status: 'ok', detail: `${redactText(cfg.storage.url)} writable` };
  } catch (err) {
    return {
      name: 'store',
      status: 'fail',
      detail: `${redactText(cfg.storage.url)} not writable: ${reason(err)}`,
      fix: 'check STORAGE_URL, S3_ENDPOINT and the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), or the directory permissions',
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function checkDisk(cfg: Config): Promise<Check> {
  // The work dir may not exist yet: measure the nearest existing parent.
  let dir = cfg.workDir;
  for (;;) {
    try {
      const s = await statfs(dir);
      const free = s.bavail * s.bsize;
      const detail = `${(free / 1024 ** 3).toFixed(1)} GiB free in ${dir === cfg.workDir ? dir : `${dir} (work dir ${cfg.workDir} not created yet)`}`;
      const fix = 'free space or point HEATERS_WORK_DIR at a larger disk';
      if (free < MIN_FREE_BYTES) return { name: 'work dir space', status: 'fail', detail, fix };
      if (free < WARN_FREE_BYTES) return { name: 'work dir space', status: 'warn', detail, fix };
      return { name: 'work dir space', status: 'ok', detail };
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return { name: 'work dir space', status: 'fail', detail: `cannot stat ${cfg.workDir}`, fix: 'set HEATERS_WORK_DIR to a writable directory' };
      dir = up;
    }
  }
}
