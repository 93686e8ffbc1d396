// Children never outlive the daemon. On Linux every ffmpeg/ffprobe the daemon starts runs under
// util-linux's `setpriv --pdeathsig KILL`: setpriv sets the parent-death signal and then execs the
// tool in place (same pid), so the kernel kills it the moment the daemon dies, kill -9 included.
// Without setpriv (not Linux, util-linux missing) the command runs as given.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

let setpriv: string | null | undefined;

function findSetpriv(): string | null {
  if (process.platform !== 'linux') return null;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter).concat(['/usr/bin', '/bin'])) {
    const candidate = path.join(dir, 'setpriv');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** `[file, args]` that run `bin args…` and die with this process. */
export function dieWithParent(bin: string, args: readonly string[]): [string, string[]] {
  if (setpriv === undefined) setpriv = findSetpriv();
  return setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', bin, ...args]] : [bin, [...args]];
}
