// No Docker engine runs here, so compose.yaml and the Dockerfile are checked against each other and
// against the configuration schema: the daemon's environment (image ENV + compose) must load as a
// valid Config, and ports, volumes, the database, the bucket and the secrets must line up.
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { EnvSchema, loadConfig } from '../src/config.ts';
import { REPO_ROOT } from './helpers/common.ts';

type Service = {
  build?: string | { context: string };
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  command?: string[] | string;
  healthcheck?: { test: string[] };
};
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Array<{ op: string; args: string }> {
  const joined = text.replace(/\\\n/g, ' ').split('\n');
  return joined
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\w+)\s+(.*)$/.exec(l);
      return { op: m![1]!.toUpperCase(), args: m![2]! };
    });
}

/** `ENV A=1 B=2` (the form the Dockerfile uses). */
function dockerEnv(ins: Array<{ op: string; args: string }>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of ins.filter((x) => x.op === 'ENV')) {
    for (const m of i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  }
  return env;
}

/** `${VAR:?message}` → VAR's name; a literal value → undefined. */
const required = (v: string) => /^\$\{(\w+):\?[^}]*\}$/.exec(v)?.[1];
/** Values as compose would pass them, with each required variable set to a stand-in. */
const substitute = (v: string) => v.replace(/\$\{(\w+):\?[^}]*\}/g, (_m, name: string) => `stand-in-${name.toLowerCase()}-0123456789`);

let compose: Compose;
let ins: Array<{ op: string; args: string }>;
let imageEnv: Record<string, string>;
let heaters: Service;
let env: Record<string, string>;

before(async () => {
  compose = parse(await readFile(path.join(REPO_ROOT, 'compose.yaml'), 'utf8')) as Compose;
  ins = instructions(await readFile(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'));
  imageEnv = dockerEnv(ins);
  heaters = compose.services.heaters!;
  env = { ...imageEnv, ...Object.fromEntries(Object.entries(heaters.environment ?? {}).map(([k, v]) => [k, substitute(String(v))])) };
});

describe('compose.yaml and the Dockerfile agree', () => {
  test('services: heaters built from this Dockerfile, postgres, minio, and a bucket-creating init', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['heaters', 'minio', 'minio-init', 'postgres']);
    const ctx = typeof heaters.build === 'string' ? heaters.build : heaters.build?.context;
    assert.equal(ctx, '.');
    assert.equal(heaters.depends_on?.postgres?.condition, 'service_healthy');
    assert.equal(heaters.depends_on?.['minio-init']?.condition, 'service_completed_successfully');
    assert.equal(compose.services['minio-init']!.depends_on?.minio?.condition, 'service_healthy');
  });

  test('every variable given to the daemon is one the schema knows, and together they load as a Config', () => {
    const known = new Set(Object.keys(EnvSchema.shape));
    for (const name of [...Object.keys(heaters.environment ?? {}), ...Object.keys(imageEnv)]) {
      assert.ok(known.has(name), `${name} is not a Heaters variable (typo?)`);
    }
    const cfg = loadConfig(env);
    assert.equal(cfg.database.kind, 'external');
    assert.equal(cfg.storage.url.startsWith('s3://'), true);
    assert.equal(cfg.dataDir, '/data');
  });

  test('ports: the published container port is the one the image exposes and the daemon listens on', () => {
    const cfg = loadConfig(env);
    const expose = ins.filter((i) => i.op === 'EXPOSE').map((i) => Number(i.args.split('/')[0]));
    assert.deepEqual(expose, [cfg.http.port]);
    const published = (heaters.ports ?? []).map((p) => p.split(':'));
    assert.equal(published.length, 1);
    assert.equal(Number(published[0]!.at(-1)), cfg.http.port);
    assert.equal(published[0]![0], '127.0.0.1', 'published on the host loopback only');
    // A non-loopback bind inside the container is refused without a token (http/security.ts).
    assert.equal(cfg.http.host, '0.0.0.0');
    assert.ok(cfg.http.token && cfg.http.token.length >= 16);
    // The image's health check asks that port for /healthz, with the token when there is one.
    const health = ins.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    assert.match(health, /HEATERS_HTTP_PORT/);
    assert.match(health, /\/healthz/);
    assert.match(health, /HEATERS_REVIEW_TOKEN/);
  });

  test('volumes: the data volume is the image VOLUME and HEATERS_DATA_DIR; the inbox is HEATERS_LOCAL_FILES', () => {
    const cfg = loadConfig(env);
    const declared = ins.filter((i) => i.op === 'VOLUME').flatMap((i) => JSON.parse(i.args) as string[]);
    assert.deepEqual(declared, [cfg.dataDir]);
    const mounts = (heaters.volumes ?? []).map((v) => v.split(':'));
    const data = mounts.find((m) => m[1] === cfg.dataDir);
    assert.ok(data, 'a volume on the data dir');
    assert.ok(compose.volumes && data[0]! in compose.volumes, `named volume ${data[0]} is declared`);
    assert.deepEqual(cfg.download.localRoots, ['/data/inbox']);
    assert.ok(mounts.some((m) => m[1] === '/data/inbox'), 'the inbox is mounted where local files are allowed');
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const v of svc.volumes ?? []) {
        const src = v.split(':')[0]!;
        if (!src.startsWith('.') && !src.startsWith('/')) assert.ok(src in (compose.volumes ?? {}), `${name}: volume ${src} is declared`);
      }
    }
  });

  test('database: DATABASE_URL names the postgres service, its user, database and password variable', () => {
    const pgEnv = compose.services.postgres!.environment!;
    const url = new URL(substitute(heaters.environment!.DATABASE_URL!));
    assert.equal(url.hostname, 'postgres');
    assert.equal(url.port, '5432');
    assert.equal(url.username, pgEnv.POSTGRES_USER);
    assert.equal(url.pathname, `/${pgEnv.POSTGRES_DB}`);
    assert.equal(decodeURIComponent(url.password), substitute(pgEnv.POSTGRES_PASSWORD!));
  });

  test('store: the endpoint is the minio service, the credentials are its root user, the bucket is the one created', () => {
    const cfg = loadConfig(env);
    const minio = compose.services.minio!;
    const endpoint = new URL(cfg.storage.s3.endpoint!);
    assert.equal(endpoint.hostname, 'minio');
    assert.equal(endpoint.port, '9000');
    assert.equal(cfg.storage.s3.forcePathStyle, true, 'MinIO needs path-style addressing');
    assert.equal(cfg.storage.s3.accessKeyId, minio.environment!.MINIO_ROOT_USER);
    assert.equal(cfg.storage.s3.secretAccessKey, substitute(minio.environment!.MINIO_ROOT_PASSWORD!));
    const bucket = new URL(cfg.storage.url).hostname;
    const init = [compose.services['minio-init']!.command].flat().join(' ');
    assert.match(init, new RegExp(`mc mb --ignore-existing local/${bucket}(\\s|$)`));
    assert.match(init, /mc alias set local http:\/\/minio:9000 /);
  });

  test('secrets come from .env (required variables), never literal; .env.example lists each', async () => {
    const secretNames = ['DATABASE_URL', 'AWS_SECRET_ACCESS_KEY', 'HEATERS_REVIEW_TOKEN'];
    const referenced = new Set<string>();
    for (const svc of Object.values(compose.services)) {
      for (const [k, v] of Object.entries(svc.environment ?? {})) {
        for (const m of String(v).matchAll(/\$\{(\w+):\?/g)) referenced.add(m[1]!);
        if (/PASSWORD|TOKEN|SECRET/.test(k)) assert.ok(required(String(v)), `${k} must be \${VAR:?…}, not a literal`);
      }
    }
    for (const k of secretNames) assert.match(String(heaters.environment![k]), /\$\{\w+:\?/);
    const example = await readFile(path.join(REPO_ROOT, '.env.example'), 'utf8');
    for (const name of referenced) assert.match(example, new RegExp(`^${name}=`, 'm'), `.env.example sets ${name}`);
  });

  test('shutdown: compose waits longer than the daemon grace; the image stops with SIGTERM', () => {
    const cfg = loadConfig(env);
    const grace = /^(\d+)s$/.exec(heaters.stop_grace_period ?? '');
    assert.ok(grace, 'stop_grace_period in seconds');
    assert.ok(Number(grace[1]) * 1000 > cfg.shutdownGraceMs, 'compose must not SIGKILL before the daemon hands jobs back');
    assert.equal(ins.find((i) => i.op === 'STOPSIGNAL')?.args, 'SIGTERM');
  });

  test('the image copies what the daemon runs, and starts the package bin', async () => {
    for (const i of ins.filter((x) => x.op === 'COPY')) {
      const parts = i.args.split(/\s+/);
      for (const src of parts.slice(0, -1)) await access(path.join(REPO_ROOT, src));
    }
    const copied = ins.filter((x) => x.op === 'COPY').flatMap((x) => x.args.split(/\s+/).slice(0, -1));
    for (const dir of ['src', 'python', 'bin']) assert.ok(copied.includes(dir), `COPY ${dir}`);
    const entry = JSON.parse(ins.find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.deepEqual(entry, ['node', pkg.bin.heaters]);
    assert.match(ins.find((i) => i.op === 'FROM')!.args, /^node:24-/);
  });
});
