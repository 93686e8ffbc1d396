// The configuration reference (docs/configuration.md) is generated from the zod schema: it must be
// current, and every variable must say what it is for.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { CONFIG_DOC_PATH, REGENERATE, configDocText, undescribed } from '../scripts/gen-config-doc.ts';
import { EnvSchema } from '../src/config.ts';

test('every environment variable has a .describe() text', () => {
  assert.deepEqual(undescribed(), [], `add .describe('…') to these in src/config.ts, then run ${REGENERATE}`);
});

test('docs/configuration.md is current with src/config.ts', async () => {
  const current = await readFile(CONFIG_DOC_PATH, 'utf8').catch(() => '');
  assert.ok(current === configDocText(), `docs/configuration.md is stale: run ${REGENERATE}`);
});

test('the reference has one row per variable, with types and defaults from the schema', () => {
  const text = configDocText();
  for (const name of Object.keys(EnvSchema.shape)) assert.match(text, new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  assert.match(text, /^\| `HEATERS_PG_PORT` \| integer ≥ 1, ≤ 65535 \| `54329` \|/m);
  assert.match(text, /^\| `HEATERS_GENERATE_MASTER` \| boolean .* \| `false` \|/m);
  assert.match(text, /^\| `LOG_FORMAT` \| `json` \\\| `pretty` \\\| `auto` \| unset \|/m);
  assert.match(text, /^\| `DATABASE_URL` \| URL \| unset \|/m);
});
