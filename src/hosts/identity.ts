// A daemon's host id. Explicit (HEATERS_HOST_ID), or kept in a small file on the work disk: the id
// belongs to whoever holds that disk's files. The same daemon restarted on the same work dir gets
// the same id (so it resumes its own videos at once); two daemons on one machine with two disks at
// the same path (as on two machines) get two ids, which a hash of hostname and path could not give.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const HOST_ID_FILE = '.heaters-host-id';
const VALID = /^[A-Za-z0-9._-]{1,100}$/;

export async function resolveHostId(opts: { explicit?: string; workDir: string }): Promise<string> {
  if (opts.explicit) return opts.explicit;
  const file = path.join(opts.workDir, HOST_ID_FILE);
  const existing = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (VALID.test(existing)) return existing;
  const name = os.hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60) || 'host';
  const id = `${name}-${randomBytes(4).toString('hex')}`;
  await fs.mkdir(opts.workDir, { recursive: true });
  // wx: two daemons starting on one empty work dir at once agree on the first one's id.
  try {
    await fs.writeFile(file, `${id}\n`, { flag: 'wx' });
    return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return (await fs.readFile(file, 'utf8')).trim();
  }
}
