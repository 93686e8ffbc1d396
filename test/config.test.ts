// The one place the environment is read: defaults, parsing, and errors that never echo a value.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../src/config.ts';

describe('config', () => {
  test('embedded defaults: embedded Postgres and a filesystem store under the data dir', () => {
    const c = loadConfig({ HEATERS_DATA_DIR: '/srv/heaters' });
    assert.deepEqual(c.database, { kind: 'embedded', dir: '/srv/heaters/pg', port: 54329 });
    assert.equal(c.storage.url, 'file:///srv/heaters/store');
    assert.equal(c.workDir, '/srv/heaters/work');
    assert.equal(c.generateMaster, false);
    assert.equal(c.storage.masterStorageClass, 'GLACIER_IR');
    assert.equal(c.download.localRoots, undefined, 'any local file by default');
    assert.equal(path.isAbsolute(loadConfig({}).dataDir), true);
  });

  test('values are parsed: booleans, numbers, local roots, external database', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://app:s3cret-pw@db.internal:5432/heaters',
      HEATERS_GENERATE_MASTER: 'true',
      S3_FORCE_PATH_STYLE: '1',
      HEATERS_MAX_DOWNLOAD_MB: '2',
      HEATERS_LOCAL_FILES: '/data/inbox:/mnt/media',
    });
    assert.equal(c.database.kind, 'external');
    assert.equal(c.generateMaster, true);
    assert.equal(c.storage.s3.forcePathStyle, true);
    assert.equal(c.download.maxBytes, 2 * 1024 * 1024);
    assert.deepEqual(c.download.localRoots, ['/data/inbox', '/mnt/media']);
    assert.deepEqual(loadConfig({ HEATERS_LOCAL_FILES: 'none' }).download.localRoots, []);
    assert.ok(c.secrets.includes('s3cret-pw'), 'the database password is a secret the logger must scrub');
  });

  test('an invalid value names the variable and never echoes the value', () => {
    const bad = 'not-a-url-but-a-s3cret';
    assert.throws(() => loadConfig({ DATABASE_URL: bad }), (e: Error) => /DATABASE_URL/.test(e.message) && !e.message.includes(bad));
    assert.throws(() => loadConfig({ HEATERS_IO_WORKERS_MAX: '0' }), /HEATERS_IO_WORKERS_MAX/);
    assert.throws(() => loadConfig({ HEATERS_LOCAL_FILES: 'relative/dir' }), /HEATERS_LOCAL_FILES/);
    assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
  });
});
