// The values of a Netscape cookies file (HEATERS_COOKIES_FILE), for the redactor: the daemon never
// sends the file anywhere (the download op reads its own copy and scrubs the values itself), but should
// a value reach a Node log line or a stored error anyway, the redactor knows it. Read once at start.
import { readFileSync } from 'node:fs';

/** Cookie values of at least 6 characters (shorter ones are flags such as "1" or "YES"). */
export function cookieValues(file: string | undefined): string[] {
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return []; // unreadable: the download op fails with access_config and says so
  }
  const out = new Set<string>();
  for (let line of text.split(/\r?\n/)) {
    if (line.startsWith('#HttpOnly_')) line = line.slice('#HttpOnly_'.length);
    else if (!line || line.startsWith('#')) continue;
    const value = line.split('\t')[6];
    if (value && value.length >= 6) {
      out.add(value);
      try {
        const decoded = decodeURIComponent(value);
        if (decoded.length >= 6) out.add(decoded);
      } catch {
        // not percent-encoded
      }
    }
  }
  return [...out];
}
