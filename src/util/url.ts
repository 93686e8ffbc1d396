// URL helpers both the configuration and the log redactor need; this layer imports nothing of ours.

/** The (decoded) password embedded in a URL such as postgres://user:pw@host/db, if any. */
export function urlPassword(value: string): string | undefined {
  // Every URL with a password has an '@'; most values (env vars scanned for secrets) do not.
  if (!value.includes('@')) return undefined;
  try {
    const p = new URL(value).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}
