#!/usr/bin/env node
// Package bin. The CLI is TypeScript that Node runs directly by type stripping, which is on without
// flags from Node 22.18 (and 23.6; the project and its image use Node 24): `process.features.typescript`
// says whether this Node does it. An older Node (a machine's own, under `npx heaters`) hands over to
// the project's Node 24 (the `node` devDependency, node_modules/.bin/node) when it is installed, and
// otherwise says plainly what to do. Plain JavaScript, so any Node can read this file.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const main = new URL('../src/cli/main.ts', import.meta.url);

if (process.features.typescript) {
  // Compiled code, stripped TypeScript included, is cached on disk (Node's compile cache, under the
  // temp dir): a command starts in about half the time from its second run on.
  module.enableCompileCache?.();
  await import(main.href);
} else {
  const projectNode = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (!existsSync(projectNode)) {
    process.stderr.write(
      `heaters: this is Node ${process.version}; heaters runs its TypeScript sources directly and needs Node >= 22.18.\n` +
        'Install a newer Node, or run `npm ci` in the repository to get the project\'s own Node 24.\n',
    );
    process.exit(3);
  }
  const child = spawn(projectNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C and `kill` reach the CLI, whose shutdown is graceful.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 3);
  });
}
