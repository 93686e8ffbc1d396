// Writes docs/configuration.md from the zod schema of the environment (src/config.ts EnvSchema): one
// row per variable with its type, default and the `.describe()` text, so the reference cannot drift
// from the code. `--check` exits 1 if the file is stale (test/config-doc.test.ts runs it).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { EnvSchema } from '../src/config.ts';

export const CONFIG_DOC_PATH = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
export const REGENERATE = 'node scripts/gen-config-doc.ts';

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  format?: string;
  description?: string;
};

/** Variables without a `.describe()` text: the reference would have a hole. */
export function undescribed(): string[] {
  return Object.entries(EnvSchema.shape)
    .filter(([, s]) => !(s as z.ZodType).description)
    .map(([name]) => name);
}

const BOOL_INPUTS = ['1', '0', 'true', 'false', 'yes', 'no', ''];

function typeOf(js: JsonSchema): string {
  if (js.enum) {
    const values = js.enum.map(String);
    if (BOOL_INPUTS.every((v) => values.includes(v)) && values.length === BOOL_INPUTS.length) return 'boolean (`1`/`0`, `true`/`false`, `yes`/`no`)';
    return values.map((v) => `\`${v}\``).join(' \\| ');
  }
  if (js.type === 'integer' || js.type === 'number') {
    // .int() alone bounds by the safe integers: not worth a mention.
    const bound = (v: number | undefined) => v !== undefined && Math.abs(v) < Number.MAX_SAFE_INTEGER;
    const bounds = [bound(js.minimum) ? `≥ ${js.minimum}` : '', bound(js.maximum) ? `≤ ${js.maximum}` : ''].filter(Boolean);
    return `${js.type}${bounds.length ? ` ${bounds.join(', ')}` : ''}`;
  }
  if (js.format === 'uri') return 'URL';
  return js.type ?? 'string';
}

function defaultOf(schema: z.ZodType): string {
  // The parsed value of an absent variable is its default (after transforms: a boolean, not '0').
  const r = schema.safeParse(undefined);
  if (!r.success || r.data === undefined) return 'unset';
  if (r.data === '') return 'empty';
  return `\`${String(r.data)}\``;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function configDocText(): string {
  const json = z.toJSONSchema(EnvSchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, JsonSchema> };
  const rows = Object.entries(EnvSchema.shape).map(([name, schema]) => {
    const s = schema as z.ZodType;
    const js = json.properties[name] ?? {};
    return `| \`${name}\` | ${typeOf(js)} | ${defaultOf(s)} | ${cell(s.description ?? '(no description)')} |`;
  });
  return [
    '# Configuration reference',
    '',
    `<!-- Generated from src/config.ts (EnvSchema) by \`${REGENERATE}\`. Do not edit by hand. -->`,
    '',
    'Heaters reads its configuration from environment variables, once, at start (`src/config.ts`). An',
    'invalid value stops the start with the variable\'s name (never its value). Every variable is optional.',
    '',
    '| variable | type | default | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const missing = undescribed();
  if (missing.length) {
    process.stderr.write(`no .describe() text in src/config.ts for: ${missing.join(', ')}\n`);
    process.exitCode = 1;
    return;
  }
  const text = configDocText();
  if (process.argv.includes('--check')) {
    const current = await readFile(CONFIG_DOC_PATH, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write(`${CONFIG_DOC_PATH} is stale: run ${REGENERATE}\n`);
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(CONFIG_DOC_PATH, text);
  process.stderr.write(`wrote ${CONFIG_DOC_PATH}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
