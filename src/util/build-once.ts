// Build a generated file or directory once and publish it atomically: the work happens in a private
// temporary path beside the target, which is renamed into place only when complete, so a concurrent
// or interrupted run never sees half of it. Calls in one process for the same target share one build;
// two processes racing on one target both build, and the loser's rename is harmless. A directory
// counts as built when it holds a `.complete` marker (written last), a file when it exists. Used by
// the CLI's sample video and by every test-media generator (test/helpers/media/).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const pending = new Map<string, Promise<string>>();

export interface BuildOnceOptions {
  /** The target is a directory (built when it holds `.complete`); default: a file. */
  dir?: boolean;
}

/** True once `target` has been built and published. */
function isBuilt(target: string, opts: BuildOnceOptions = {}): boolean {
  return existsSync(opts.dir ? path.join(target, '.complete') : target);
}

/**
 * Return `target`, first running `build(tmp)` unless it is already built. `build` writes the file
 * (or fills the directory, which exists) at `tmp`; a temporary file keeps the target's extension,
 * so ffmpeg can still infer the format from it.
 */
export function buildOnce(target: string, build: (tmp: string) => Promise<void>, opts: BuildOnceOptions = {}): Promise<string> {
  if (isBuilt(target, opts)) return Promise.resolve(target);
  let p = pending.get(target);
  if (!p) {
    p = publish(target, build, opts).finally(() => pending.delete(target));
    pending.set(target, p);
  }
  return p;
}

async function publish(target: string, build: (tmp: string) => Promise<void>, opts: BuildOnceOptions): Promise<string> {
  const ext = opts.dir ? '' : path.extname(target);
  const tmp = `${target.slice(0, target.length - ext.length)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}${ext}`;
  await mkdir(opts.dir ? tmp : path.dirname(target), { recursive: true });
  try {
    await build(tmp);
    if (opts.dir) await writeFile(path.join(tmp, '.complete'), path.basename(target));
    await rename(tmp, target).catch((err: unknown) => {
      if (!isBuilt(target, opts)) throw err; // else: lost a race to an identical build
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return target;
}
