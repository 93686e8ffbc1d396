// The redacting logger: every secret kind, through every path a line can take, must not reach the
// output; ordinary text must come through untouched. Child-process paths use real Python (the
// worker's own OpContext.log) and real ffmpeg.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import {
  REDACTED,
  addSecrets,
  createLogger,
  formatMessage,
  isSecretEnvName,
  redactText,
  redactValue,
  refreshEnvSecrets,
  relayLine,
} from '../src/log/index.ts';
import type { Logger } from '../src/log/index.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const PYTHON = '/usr/bin/python3';
const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';

// ---------------------------------------------------------------------------------------------
// Secrets. Values are unique strings so a leak anywhere is found by a plain substring search.

const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8LKEYABC';
assert.equal(AWS_SECRET.length, 40);
const ENV_SECRETS = {
  HEATERS_TEST_API_TOKEN: 'envtok-4f1c9e2a7b',
  HEATERS_TEST_DB_PASSWORD: 'envpw-Zx81qq',
  HEATERS_TEST_CLIENT_SECRET: 'envcs-77aa12',
  HEATERS_TEST_API_KEY: 'envkey-0p0p0p',
  HEATERS_TEST_COOKIE_JAR: 'envcookie-9a9a',
  HEATERS_TEST_SESSION_ID: 'envsess-5b5b5b',
  HEATERS_TEST_OAUTH_VALUE: 'envauth-6c6c6c',
  HEATERS_TEST_CREDENTIALS: 'envcred-7d7d7d',
  HEATERS_TEST_PASSWD: 'envpasswd-8e8e',
};
// Look secret-ish by name but are not: their values must survive.
const BENIGN_ENV = {
  HEATERS_TEST_KEYBOARD_LAYOUT: 'dvorak-layout',
  GIT_AUTHOR_NAME: 'Jane Authorson',
  XDG_SESSION_TYPE: 'wayland-session',
};
Object.assign(process.env, ENV_SECRETS, BENIGN_ENV);
const LITERAL = 'lit-7Hq2Zp0vX9'; // via createLogger({ secrets })
const LITERAL_ADDED = 'added-Mm3Nn4Bb5'; // via addSecrets()

interface Kind {
  id: string; // marker, also proves the line was logged
  what: string;
  text: string; // the secret in its usual context
  secrets: string[]; // none of these may appear in the output
}

const KINDS: Kind[] = [
  { id: 'k01', what: 'AWS access key id (AKIA)', text: 'using AKIAQ3EGRTZ7EXAMPL01 for s3', secrets: ['AKIAQ3EGRTZ7EXAMPL01'] },
  { id: 'k02', what: 'AWS temporary key id (ASIA)', text: 'sts gave ASIAQ3EGRTZ7EXAMPL02', secrets: ['ASIAQ3EGRTZ7EXAMPL02'] },
  { id: 'k03', what: 'AWS secret, ini form', text: `aws_secret_access_key=${AWS_SECRET}`, secrets: [AWS_SECRET] },
  { id: 'k04', what: 'AWS secret, JSON form', text: `creds {"accessKeyId":"x","secretAccessKey":"${AWS_SECRET}"}`, secrets: [AWS_SECRET] },
  { id: 'k05', what: 'AWS secret, header-ish form', text: `SecretAccessKey: ${AWS_SECRET}`, secrets: [AWS_SECRET] },
  {
    id: 'k06',
    what: 'secret-named env values',
    text: `values ${Object.values(ENV_SECRETS).join(' ')}`,
    secrets: Object.values(ENV_SECRETS),
  },
  { id: 'k07', what: 'configured literal secrets', text: `lit ${LITERAL} and ${LITERAL_ADDED}!`, secrets: [LITERAL, LITERAL_ADDED] },
  {
    id: 'k08',
    what: 'URL passwords, any scheme',
    text: 'db postgres://app:pgpw-31337@db.internal:5432/heaters, cache redis://:rdpw-4242@cache:6379/0, ftp ftp://bob:ftpw-5151@files.example/x',
    secrets: ['pgpw-31337', 'rdpw-4242', 'ftpw-5151'],
  },
  {
    id: 'k09',
    what: 'header values in text form',
    text: 'Authorization: Bearer hdr-authz-111\nCookie: sid=hdr-cookie-222; theme=dark\nSet-Cookie: sid=hdr-setck-333; HttpOnly\nProxy-Authorization: Basic hdr-proxy-444\nX-Amz-Security-Token: hdr-sectok-555\nx-api-key: hdr-apikey-666',
    secrets: ['hdr-authz-111', 'hdr-cookie-222', 'hdr-setck-333', 'hdr-proxy-444', 'hdr-sectok-555', 'hdr-apikey-666'],
  },
  {
    id: 'k10',
    what: 'presigned / token URL query parameters',
    text:
      'GET https://bkt.s3.amazonaws.com/v/a.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=qp-cred-01%2F20250101%2Fus-east-1%2Fs3%2Faws4_request' +
      '&X-Amz-Date=20250101T000000Z&X-Amz-Expires=900&X-Amz-Security-Token=qp-sectok-02&X-Amz-Signature=qp-sig-03&X-Amz-SignedHeaders=host' +
      ' and https://cdn.example/x?Signature=qp-sig-04&Expires=1 https://y.example/a?sig=qp-sig-05&token=qp-tok-06&access_token=qp-at-07&api_key=qp-ak-08',
    secrets: ['qp-cred-01', 'qp-sectok-02', 'qp-sig-03', 'qp-sig-04', 'qp-sig-05', 'qp-tok-06', 'qp-at-07', 'qp-ak-08'],
  },
  {
    id: 'k11',
    what: 'bearer tokens anywhere',
    text: 'retrying with bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrMTEifQ.c2lnbmF0dXJl after 401',
    secrets: ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrMTEifQ.c2lnbmF0dXJl', 'c2lnbmF0dXJl'],
  },
];
const ALL_SECRETS = KINDS.flatMap((k) => k.secrets);
const withMarker = (k: Kind) => `case-${k.id} ${k.text}`;

// Header names used as object keys (any case, any depth): opaque values no text rule would catch.
const HEADER_OBJECT = {
  Authorization: 'objv-authz-a1',
  cookie: 'objv-cookie-b2',
  'Set-Cookie': ['objv-setck-c3'],
  'PROXY-AUTHORIZATION': 'objv-proxy-d4',
  'x-amz-security-token': 'objv-sectok-e5',
  'X-Api-Key': 'objv-apikey-f6',
};
const HEADER_OBJECT_SECRETS = ['objv-authz-a1', 'objv-cookie-b2', 'objv-setck-c3', 'objv-proxy-d4', 'objv-sectok-e5', 'objv-apikey-f6'];

// Ordinary text that must survive every path exactly.
const ORDINARY = [
  'https://cdn.example.com/videos/abc.mp4?width=320&format=mp4',
  '/var/lib/heaters/ws/3f2a8c1e/source.mp4',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '123e4567-e89b-12d3-a456-426614174000',
  'frame=  120 fps= 60 q=28.0 size=     256kB time=00:00:04.00 bitrate= 524.3kbits/s speed=2.01x',
  'Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 320x180, 30 fps',
  'bytes 1234567 of 9876543 (12.5%)',
  's3 key=videos/3f2a8c1e/proxy.mp4 bucket=heaters-media',
  'layout dvorak-layout by Jane Authorson on wayland-session',
];
const ORDINARY_LINE = ORDINARY.join(' | ');

// ---------------------------------------------------------------------------------------------

interface Capture {
  log: Logger;
  text(): string;
  records(): Record<string, unknown>[];
}

/** A logger writing into memory. JSON mode also checks that every line is still valid JSON. */
function capture(opts: { pretty?: boolean; level?: 'trace' | 'debug' | 'info' } = {}): Capture {
  const chunks: string[] = [];
  const log = createLogger({
    level: opts.level ?? 'trace',
    pretty: opts.pretty ?? false,
    secrets: [LITERAL],
    destination: { write: (s: string) => void chunks.push(s) },
  });
  return {
    log,
    text: () => chunks.join(''),
    records: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

function assertNoSecrets(out: string, secrets: readonly string[], where: string): void {
  for (const s of secrets) assert.ok(!out.includes(s), `${where}: secret ${JSON.stringify(s)} leaked:\n${out}`);
}

function assertPresent(out: string, strings: readonly string[], where: string): void {
  for (const s of strings) assert.ok(out.includes(s), `${where}: expected ${JSON.stringify(s)} in:\n${out}`);
}

before(() => {
  addSecrets([LITERAL_ADDED]);
});

// ---------------------------------------------------------------------------------------------
// Our own log calls.

type Path = (log: Logger, k: Kind) => void;
const LOCAL_PATHS: Record<string, Path> = {
  'message string': (log, k) => log.info(withMarker(k)),
  'printf message': (log, k) => log.warn('ctx %s: %s', `case-${k.id}`, k.text),
  'nested field': (log, k) => log.info({ job: { steps: [{ detail: { text: withMarker(k) } }] } }, 'nested'),
  'error (first arg)': (log, k) => log.error(new Error(withMarker(k))),
  'error (err field)': (log, k) => log.error({ err: new Error(withMarker(k)) }, 'failed'),
  'error cause': (log, k) => log.error({ err: new Error('outer', { cause: new Error(withMarker(k)) }) }, 'caused'),
  'child logger': (log, k) => log.child({ ctx: withMarker(k) }).child({ sub: k.text }).info(k.text),
};

describe('local log calls', () => {
  for (const [pathName, send] of Object.entries(LOCAL_PATHS)) {
    for (const k of KINDS) {
      test(`${k.what} via ${pathName}`, () => {
        const c = capture();
        send(c.log, k);
        const out = c.text();
        assertPresent(out, [`case-${k.id}`], pathName);
        assertNoSecrets(out, k.secrets, pathName);
        c.records(); // still valid JSON
      });
    }
  }

  test('error stack is scrubbed too, and the Error keeps its type', () => {
    const c = capture();
    class UploadError extends Error {
      code = 'E_UPLOAD';
    }
    const e = new UploadError(withMarker(KINDS[7]!));
    c.log.error(e);
    const [rec] = c.records();
    const err = rec?.err as { type: string; message: string; stack: string; code: string };
    assert.equal(err.type, 'UploadError');
    assert.equal(err.code, 'E_UPLOAD');
    assert.match(err.stack, /Error: case-k08 db postgres:\/\/app:\[REDACTED\]@db\.internal/);
    assertNoSecrets(err.stack, ALL_SECRETS, 'stack');
    // The caller's Error is untouched (it may be rethrown or inspected).
    assert.ok(e.message.includes('pgpw-31337'));
  });

  test('header names as object keys, any case, any depth', () => {
    const c = capture();
    c.log.info({ req: { upstream: { headers: HEADER_OBJECT } }, list: [{ headers: HEADER_OBJECT }] }, 'marker-hdrobj');
    const e = Object.assign(new Error('with headers'), { response: { headers: HEADER_OBJECT } });
    c.log.error({ err: e }, 'marker-hdrerr');
    c.log.child({ headers: HEADER_OBJECT }).info('marker-hdrchild');
    const out = c.text();
    assertPresent(out, ['marker-hdrobj', 'marker-hdrerr', 'marker-hdrchild', '"Authorization":"[REDACTED]"', '"PROXY-AUTHORIZATION":"[REDACTED]"'], 'header object');
    assertNoSecrets(out, HEADER_OBJECT_SECRETS, 'header object');
  });

  test('secret-named object keys (password, secretAccessKey, token...) lose their values', () => {
    const c = capture();
    c.log.info(
      {
        s3: { accessKeyId: 'AKIAQ3EGRTZ7EXAMPL09', secretAccessKey: 'opaque-sak-1', sessionToken: 'opaque-st-2' },
        db: { password: 'opaque-pw-3', user: 'heaters' },
        maxTokens: 5,
        hasToken: true,
      },
      'marker-keys',
    );
    const out = c.text();
    assertNoSecrets(out, ['AKIAQ3EGRTZ7EXAMPL09', 'opaque-sak-1', 'opaque-st-2', 'opaque-pw-3'], 'keys');
    assertPresent(out, ['marker-keys', '"user":"heaters"', '"maxTokens":5', '"hasToken":true'], 'keys');
  });

  test('ordinary text survives every local path unchanged', () => {
    const c = capture();
    c.log.info(ORDINARY_LINE);
    c.log.info({ a: { b: [ORDINARY_LINE] } }, 'nested');
    c.log.error(new Error(ORDINARY_LINE));
    c.log.child({ ctx: ORDINARY_LINE }).info('child');
    const recs = c.records();
    assert.equal(recs.length, 4);
    assert.equal(recs[0]?.msg, ORDINARY_LINE);
    assert.deepEqual(recs[1]?.a, { b: [ORDINARY_LINE] });
    assert.equal((recs[2]?.err as { message: string }).message, ORDINARY_LINE);
    assert.equal(recs[3]?.ctx, ORDINARY_LINE);
    assert.ok(!c.text().includes(REDACTED));
  });

  test('pretty mode does not leak either', () => {
    const c = capture({ pretty: true });
    for (const k of KINDS) {
      c.log.info(withMarker(k));
      c.log.info({ nested: { text: withMarker(k) }, headers: HEADER_OBJECT }, 'pretty nested');
      c.log.error(new Error(withMarker(k)));
      c.log.child({ ctx: k.text }).warn('pretty child');
    }
    c.log.info(ORDINARY_LINE);
    const out = c.text();
    assert.ok(!out.trimStart().startsWith('{'), 'pretty output is not JSON');
    assertPresent(out, [...KINDS.map((k) => `case-${k.id}`), ...ORDINARY], 'pretty');
    assertNoSecrets(out, [...ALL_SECRETS, ...HEADER_OBJECT_SECRETS], 'pretty');
  });

  test('secrets added to process.env later are picked up by refreshEnvSecrets', () => {
    const c = capture();
    const late = 'late-env-token-31x';
    process.env.HEATERS_TEST_LATE_TOKEN = late;
    try {
      refreshEnvSecrets();
      c.log.info(`marker-late ${late}`);
      assertPresent(c.text(), ['marker-late'], 'late');
      assertNoSecrets(c.text(), [late], 'late');
    } finally {
      delete process.env.HEATERS_TEST_LATE_TOKEN;
      refreshEnvSecrets();
    }
  });

  test('level option is validated', () => {
    assert.throws(() => createLogger({ level: 'loud' as 'info', destination: { write() {} } }));
    const c = capture({ level: 'info' });
    c.log.debug('hidden');
    c.log.info('shown');
    assert.deepEqual(
      c.records().map((r) => r.msg),
      ['shown'],
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Python worker stderr, produced by the worker's own OpContext.log and by plain writes.

const PY_SCRIPT = `
import json, sys, traceback
from heaters_worker.context import OpContext
ctx = OpContext("req-py", lambda m: None)
data = json.load(sys.stdin)
for c in data["cases"]:
    ctx.log("warning", c["text"], detail={"nested": [{"text": c["text"]}]})
    sys.stderr.write("plain " + c["text"].replace("\\n", " ") + "\\n")
    try:
        raise RuntimeError(c["text"])
    except RuntimeError:
        ctx.log("error", "op raised " + c["id"], stack=traceback.format_exc())
ctx.log("info", "marker-pyhdr", headers=data["headers"])
ctx.log("info", data["ordinary"], detail={"o": data["ordinary"]})
sys.stderr.write(data["ordinary"] + "\\n")
`;

describe('relayLine: real Python worker stderr', () => {
  let lines: string[] = [];
  let out = '';
  let records: Record<string, unknown>[] = [];

  before(async () => {
    const input = JSON.stringify({
      cases: KINDS.map((k) => ({ id: k.id, text: withMarker(k) })),
      headers: HEADER_OBJECT,
      ordinary: ORDINARY_LINE,
    });
    const r = await execa(PYTHON, ['-c', PY_SCRIPT], {
      input,
      env: { PYTHONPATH: path.join(REPO, 'python') },
    });
    lines = r.stderr.split('\n');
    const c = capture();
    for (const line of lines) relayLine(c.log, 'python', line, { worker: 1 });
    out = c.text();
    records = c.records();
  });

  test('the raw stderr really carries the secrets (so the checks below mean something)', () => {
    const raw = lines.join('\n');
    for (const s of ALL_SECRETS) assert.ok(raw.includes(s), `python did not print ${s}`);
  });

  for (const k of KINDS) {
    test(`${k.what} via Python JSON log line, plain line and traceback`, () => {
      const mine = records.filter((r) => JSON.stringify(r).includes(`case-${k.id}`) || r.msg === `op raised ${k.id}`);
      const json = mine.find((r) => r.level === 40);
      const plain = mine.find((r) => r.level === 30 && String(r.msg).startsWith('plain '));
      const tb = mine.find((r) => r.level === 50);
      assert.ok(json && plain && tb, `missing relayed lines for ${k.id}: ${JSON.stringify(mine)}`);
      assert.equal(json.source, 'python');
      assert.equal(json.req, 'req-py');
      assert.equal(json.worker, 1);
      assert.ok(String(tb.stack).includes('RuntimeError: case-'), 'traceback relayed');
      assertNoSecrets(JSON.stringify(mine), k.secrets, `python ${k.id}`);
    });
  }

  test('header objects in Python log fields', () => {
    assertPresent(out, ['marker-pyhdr'], 'python headers');
    assertNoSecrets(out, HEADER_OBJECT_SECRETS, 'python headers');
  });

  test('no secret anywhere in the relayed Python output; ordinary text survives', () => {
    assertNoSecrets(out, [...ALL_SECRETS, ...HEADER_OBJECT_SECRETS], 'python');
    const ordinary = records.filter((r) => r.msg === ORDINARY_LINE);
    assert.equal(ordinary.length, 2, 'JSON and plain ordinary lines relayed verbatim');
    assert.deepEqual(ordinary[0]?.detail, { o: ORDINARY_LINE });
  });
});

// ---------------------------------------------------------------------------------------------
// ffmpeg stderr.

describe('relayLine: ffmpeg stderr', () => {
  for (const k of KINDS) {
    test(`${k.what} via an ffmpeg-style line`, () => {
      const c = capture();
      for (const part of withMarker(k).split('\n')) {
        relayLine(c.log, 'ffmpeg', `[https @ 0x55d0c0ffee00] Opening '${part}' for reading`, { videoId: 'v1' });
      }
      const out = c.text();
      assertPresent(out, [`case-${k.id}`, 'for reading', '"source":"ffmpeg"'], 'ffmpeg');
      assertNoSecrets(out, k.secrets, 'ffmpeg');
      assert.ok(c.records().every((r) => r.level === 20), 'non-JSON ffmpeg lines are debug');
    });
  }

  test('real ffmpeg: credentials in the input URL and in request headers', async (t) => {
    const server = http.createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const port = (server.address() as AddressInfo).port;
    const url =
      `http://ffuser:ffpw-9q9q@127.0.0.1:${port}/v/x.mp4?X-Amz-Credential=AKIAQ3EGRTZ7EXAMPL10%2F20250101%2Fus-east-1%2Fs3%2Faws4_request` +
      `&X-Amz-Signature=ffsig-8w8w&X-Amz-Security-Token=ffst-7e7e&${LITERAL}=1`;
    const secrets = ['ffpw-9q9q', 'AKIAQ3EGRTZ7EXAMPL10', 'ffsig-8w8w', 'ffst-7e7e', 'ffhdr-6r6r', 'ffck-5t5t', LITERAL];
    const r = await execa(
      FFMPEG,
      ['-hide_banner', '-nostdin', '-loglevel', 'debug', '-headers', 'Authorization: Bearer ffhdr-6r6r\r\nCookie: sid=ffck-5t5t\r\n', '-i', url, '-f', 'null', '-'],
      { reject: false },
    );
    const lines = r.stderr.split(/\r\n|\r|\n/);
    assert.ok(lines.some((l) => l.includes("Opening 'http://ffuser:ffpw-9q9q@")), 'ffmpeg printed the URL');
    for (const s of secrets) assert.ok(r.stderr.includes(s), `ffmpeg did not print ${s}`);

    const c = capture();
    for (const line of lines) relayLine(c.log, 'ffmpeg', line);
    const out = c.text();
    assertNoSecrets(out, secrets, 'real ffmpeg');
    assertPresent(out, [`Opening 'http://ffuser:${REDACTED}@127.0.0.1:${port}/v/x.mp4?X-Amz-Credential=${REDACTED}`, 'Authorization: [REDACTED]'], 'real ffmpeg');
  });

  test('ffmpeg noise is debug by default (hidden at info), level is configurable', () => {
    const c = capture({ level: 'info' });
    relayLine(c.log, 'ffmpeg', ORDINARY[4]!);
    assert.equal(c.text(), '');
    relayLine(c.log, 'ffmpeg', ORDINARY[4]!, undefined, { rawLevel: 'warn' });
    const [rec] = c.records();
    assert.equal(rec?.level, 40);
    assert.equal(rec?.msg, ORDINARY[4]);
  });

  test('ordinary ffmpeg lines survive', () => {
    const c = capture();
    for (const o of ORDINARY) relayLine(c.log, 'ffmpeg', o);
    assert.deepEqual(
      c.records().map((r) => r.msg),
      ORDINARY,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The helpers on their own.

describe('redactText / redactValue', () => {
  test('error messages to be stored are scrubbed, readable and stable', () => {
    for (const k of KINDS) {
      const stored = redactText(`download failed: ${k.text}`);
      assertNoSecrets(stored, k.secrets, k.id);
      assert.ok(stored.startsWith('download failed: '));
      assert.ok(stored.includes(REDACTED));
      assert.equal(redactText(stored), stored, 'idempotent');
    }
    assert.equal(redactText('Authorization: Bearer abc'), 'Authorization: [REDACTED]');
    assert.equal(redactText('postgres://user:pass@host/db'), 'postgres://user:[REDACTED]@host/db');
    assert.equal(
      redactText('https://b.s3.amazonaws.com/k?X-Amz-Expires=900&X-Amz-Signature=abc123'),
      'https://b.s3.amazonaws.com/k?X-Amz-Expires=900&X-Amz-Signature=[REDACTED]',
    );
  });

  test('ordinary text is returned unchanged', () => {
    for (const o of ORDINARY) assert.equal(redactText(o), o);
    for (const o of ['', 'ok', 'Authorization failed for user bob', 'keyframes at 0.0, 2.5, 5.0', 'token count 5']) {
      assert.equal(redactText(o), o);
    }
  });

  test('secret-looking env names', () => {
    for (const n of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'PGPASSWORD', 'API_KEY', 'OPENAI_APIKEY', 'GH_AUTH', 'MY_COOKIE', 'X_CREDENTIALS', 'SSH_KEY', 'DB_PASSWD']) {
      assert.ok(isSecretEnvName(n), n);
    }
    for (const n of ['KEYBOARD', 'MONKEY_COUNT', 'GIT_AUTHOR_NAME', 'XAUTHORITY', 'PATH', 'HOME', 'PWD', 'XDG_SESSION_TYPE', 'SSH_AUTH_SOCK', 'AWS_SHARED_CREDENTIALS_FILE']) {
      assert.ok(!isSecretEnvName(n), n);
    }
  });

  test('redactValue: deep copy, cycles, Map/Set, Error type, input untouched', () => {
    const inner = new Error('inner postgres://u:cyclepw1@h/db');
    const e = new Error('outer Bearer cycletok2', { cause: inner }) as Error & { self?: unknown; status?: number };
    e.self = e;
    e.status = 503;
    const input: Record<string, unknown> = {
      e,
      m: new Map<string, unknown>([
        ['Authorization', 'cycle-authz3'],
        ['note', 'https://x/?sig=cyclesig4'],
      ]),
      s: new Set(['AKIAQ3EGRTZ7EXAMPL11', 'plain']),
      u: new URL('https://u:cycleurlpw5@h/p?token=cycletok6'),
      d: new Date(0),
      n: 42,
    };
    input.loop = input;
    const out = redactValue(input);
    assert.notEqual(out, input);
    assert.equal(out.loop, out, 'cycle kept as a cycle, not infinite recursion');
    const oe = out.e as Error & { self: unknown; status: number; cause: Error };
    assert.ok(oe instanceof Error);
    assert.equal(oe.self, oe);
    assert.equal(oe.status, 503);
    assert.equal(oe.message, 'outer Bearer [REDACTED]');
    assert.equal(oe.cause.message, 'inner postgres://u:[REDACTED]@h/db');
    assert.ok(!String(oe.stack).includes('cycletok2'));
    assert.deepEqual([...(out.m as Map<string, string>)], [
      ['Authorization', REDACTED],
      ['note', `https://x/?sig=${REDACTED}`],
    ]);
    assert.deepEqual([...(out.s as Set<string>)], [REDACTED, 'plain']);
    assert.equal(out.u, `https://u:${REDACTED}@h/p?token=${REDACTED}`);
    assert.equal(out.d, input.d);
    assert.equal(out.n, 42);
    // Input untouched.
    assert.ok(e.message.includes('cycletok2'));
    assert.equal((input.m as Map<string, string>).get('Authorization'), 'cycle-authz3');
  });

  test('printf formatting matches pino for common placeholders', () => {
    assert.equal(formatMessage('%s=%d %i %j %o %%', ['a', '4.5', 4.7, { x: 1 }, 'q']), "a=4.5 4 {\"x\":1} 'q' %");
    assert.equal(formatMessage('%s %s', ['only']), 'only %s');
  });

  test('fast enough to run on every line, linear on pathological input', () => {
    const lines = [...ORDINARY, ...KINDS.map(withMarker)];
    const n = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) redactText(lines[i % lines.length]!);
    const perLineUs = ((performance.now() - t0) * 1000) / n;
    const big = 'a1b2'.repeat(250_000) + ' https:' + 'x'.repeat(500_000);
    const t1 = performance.now();
    redactText(big);
    const bigMs = performance.now() - t1;
    // Generous bounds: they catch catastrophic backtracking, not machine speed.
    assert.ok(perLineUs < 200, `redactText ${perLineUs.toFixed(1)} µs/line`);
    assert.ok(bigMs < 2000, `1.5 MB string took ${bigMs.toFixed(0)} ms`);
  });
});

after(() => {
  for (const k of [...Object.keys(ENV_SECRETS), ...Object.keys(BENIGN_ENV)]) delete process.env[k];
});
