// Schema migrations: src/db/migrations/NNN_name.sql, applied in order, once, recorded in
// heaters.schema_migrations. All pending files run in ONE transaction that first takes an advisory
// lock, so two daemons starting at once serialise: the second waits, then finds nothing to do.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';
import { HeatersError } from '../errors.ts';
import type { Logger } from '../log/index.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
// Arbitrary, stable: "heaters" in ASCII. Shared by every daemon migrating this database.
const LOCK_KEY = 0x6865617465727300n.toString();

export type Migration = { version: number; name: string; sql: string; checksum: string };

// Final: a migration that failed (or whose file changed after it was applied) needs a person.
export class MigrationError extends HeatersError<'migration_failed'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('migration_failed', message, { retryable: false, cause: options?.cause });
  }
}

/** Every migration file, sorted by version. */
export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql'));
  const migrations: Migration[] = [];
  for (const file of files) {
    const m = /^(\d+)_([\w-]+)\.sql$/.exec(file);
    if (!m) throw new MigrationError(`bad migration file name ${file} (expected NNN_name.sql)`);
    const sql = await readFile(new URL(file, dir), 'utf8');
    migrations.push({
      version: Number(m[1]),
      name: m[2] ?? file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new MigrationError(`two migrations share version ${migrations[i]?.version}`);
    }
  }
  return migrations;
}

export type MigrateResult = { applied: number[]; current: number };

/** Apply pending migrations. Safe to call on every start and from several processes at once. */
export async function migrate(
  pool: pg.Pool,
  opts: { logger?: Logger; migrations?: Migration[] } = {},
): Promise<MigrateResult> {
  const migrations = opts.migrations ?? (await loadMigrations());
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [LOCK_KEY]);
    await client.query(`
      CREATE SCHEMA IF NOT EXISTS heaters;
      CREATE TABLE IF NOT EXISTS heaters.schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM heaters.schema_migrations ORDER BY version',
    );
    const done = new Map(rows.map((r) => [r.version, r]));
    for (const m of migrations) {
      const prior = done.get(m.version);
      if (prior && prior.checksum !== m.checksum) {
        opts.logger?.warn({ version: m.version, name: m.name }, 'an applied migration file has changed since it ran');
      }
    }
    const applied: number[] = [];
    for (const m of migrations.filter((x) => !done.has(x.version))) {
      try {
        await client.query(m.sql);
      } catch (cause) {
        throw new MigrationError(
          `migration ${m.version}_${m.name} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
          { cause },
        );
      }
      await client.query('INSERT INTO heaters.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    const current = Math.max(0, ...rows.map((r) => r.version), ...applied);
    if (applied.length) opts.logger?.info({ applied, current }, 'applied database migrations');
    return { applied, current };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
