// A throwaway Postgres for a test file: a fresh database on HEATERS_TEST_DATABASE_URL's server when
// set, else an embedded cluster in a temp dir on a free port (~0.6 s with initdb --no-sync).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { EmbeddedPostgresError, startEmbeddedPostgres } from '../../src/db/embedded/index.ts';
import type { Logger } from '../../src/log/index.ts';
import { testLogger } from './common.ts';

export type TestPostgres = { url: string; stop(): Promise<void> };

/** A port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startTestPostgres(opts: { logger?: Logger } = {}): Promise<TestPostgres> {
  const logger = opts.logger ?? testLogger();
  const external = process.env.HEATERS_TEST_DATABASE_URL;
  if (external) return freshDatabase(external);

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'heaters-pg-'));
  try {
    // The free port can be taken between our probe and postgres' bind: try a few.
    for (let attempt = 1; ; attempt++) {
      try {
        const server = await startEmbeddedPostgres({
          dir: path.join(tmp, 'pg'),
          port: await freePort(),
          logger,
          ephemeral: true,
        });
        return {
          url: server.url,
          async stop() {
            await server.stop();
            await rm(tmp, { recursive: true, force: true });
          },
        };
      } catch (err) {
        const bindFailure = err instanceof EmbeddedPostgresError && /could not bind|Address already in use/i.test(err.message);
        if (!bindFailure || attempt >= 3) throw err;
      }
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function freshDatabase(serverUrl: string): Promise<TestPostgres> {
  const name = `heaters_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async stop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
