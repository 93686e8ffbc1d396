// The small shared helpers: the one URL-password reader (config and the redactor both use it), the
// one wording of zod issues, and the CLI's byte counts in binary units that match their divisor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
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
