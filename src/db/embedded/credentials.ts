// Where the embedded server listens and how to log in to it: the library's default credentials.
// The server listens on 127.0.0.1 only, without Unix sockets, so the fixed password is not exposed.
export const USER = 'postgres';
export const PASSWORD = 'password';
export const HOST = '127.0.0.1';

/** The URL of an embedded cluster on `port` (e.g. one a running daemon owns). Contains the password. */
export function embeddedUrl(port: number, database = 'heaters'): string {
  return `postgres://${USER}:${encodeURIComponent(PASSWORD)}@${HOST}:${port}/${encodeURIComponent(database)}`;
}
