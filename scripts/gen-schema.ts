// Writes schema/ingest-job.schema.json from the zod contract (src/queue/ingest-job.ts), so clients in
// any language can validate an ingest job before sending it. `--check` exits 1 if the file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { IngestJob } from '../src/queue/ingest-job.ts';

export const INGEST_SCHEMA_PATH = fileURLToPath(new URL('../schema/ingest-job.schema.json', import.meta.url));

export function ingestJobSchemaText(): string {
  const schema = z.toJSONSchema(IngestJob, { target: 'draft-2020-12', io: 'input' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

async function main(): Promise<void> {
  const text = ingestJobSchemaText();
  if (process.argv.includes('--check')) {
    const current = await readFile(INGEST_SCHEMA_PATH, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write(`${INGEST_SCHEMA_PATH} is stale: run node scripts/gen-schema.ts\n`);
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(INGEST_SCHEMA_PATH, text);
  process.stderr.write(`wrote ${INGEST_SCHEMA_PATH}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
