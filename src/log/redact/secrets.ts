// The registry of literal secrets: configured ones (addSecrets / createLogger({ secrets })) and values
// of secret-looking environment variables (refreshEnvSecrets). Matched with one escaped alternation,
// rebuilt lazily when either set changes.
import { urlPassword } from '../../util/url.ts';
import { MIN_SECRET_LENGTH } from './patterns.ts';

const configured = new Set<string>();
let fromEnv = new Set<string>();
let literalRe: RegExp | null = null;
let literalDirty = true;
// Bumped whenever the literal regex is rebuilt, so caches of scrubbed text know they are stale.
let generation = 0;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The one regex matching every literal secret (longest first), or null when there is none. */
export function literalRegex(): RegExp | null {
  if (literalDirty) {
    const all = new Set<string>([...configured, ...fromEnv]);
    // Longest first so a secret that contains another is removed whole.
    const list = [...all].sort((a, b) => b.length - a.length).map(escapeRe);
    literalRe = list.length ? new RegExp(list.join('|'), 'g') : null;
    literalDirty = false;
    generation++;
  }
  return literalRe;
}

/** Changes whenever the set of literal secrets does (read after literalRegex() brings it up to date). */
export function secretsGeneration(): number {
  literalRegex();
  return generation;
}

/** Variants of one secret worth matching: itself and its percent-encoded form (as seen in URLs). */
function variants(value: string): string[] {
  const out = [value];
  try {
    const enc = encodeURIComponent(value);
    if (enc !== value) out.push(enc);
  } catch {
    // lone surrogate: nothing to add
  }
  return out;
}

/** Literal values never to print. Values shorter than 4 characters are ignored (they would
 * shred ordinary text); their percent-encoded forms are added too. */
export function addSecrets(values: Iterable<string | undefined | null>): void {
  for (const v of values) {
    if (typeof v !== 'string' || v.trim().length < MIN_SECRET_LENGTH) continue;
    for (const x of variants(v)) {
      if (!configured.has(x)) {
        configured.add(x);
        literalDirty = true;
      }
    }
  }
}

/** Forget the secrets given to addSecrets (tests; a rotated credential). Env secrets stay. */
export function clearSecrets(): void {
  configured.clear();
  literalDirty = true;
}

// Names whose values are secrets. KEY only as its own word or after a qualifier (API_KEY,
// AWS_SECRET_ACCESS_KEY, APIKEY), so KEYBOARD / MONKEY do not count; AUTH but not AUTHOR(ITY).
const SECRET_ENV_NAME =
  /SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|COOKIE|SESSION|AUTH(?!OR)|(?:^|[^A-Z])KEYS?(?:[^A-Z]|$)|(?:API|ACCESS|PRIVATE|SIGNING|ENCRYPTION|MASTER|CLIENT|LICENSE|SSH|DEPLOY|SERVICE)KEY/;
// Names that match the above but hold a pointer to a secret or desktop-session trivia
// (XDG_SESSION_TYPE=x11, DESKTOP_SESSION=ubuntu would otherwise scrub ordinary words).
const BENIGN_ENV_NAME =
  /^(?:XDG_|DBUS_|GNOME_|KDE_|DESKTOP_SESSION$|SESSION_MANAGER$|SSH_AUTH_SOCK$|GPG_AGENT_INFO$)|_(?:FILE|PATH|DIR|SOCK|TYPE|REGION)$/;
// Values too common to scrub everywhere: booleans and short numbers (e.g. SESSION_TIMEOUT=3600).
const TRIVIAL_VALUE = /^(?:true|false|yes|no|on|off|none|null|\d{1,7})$/i;

export function isSecretEnvName(name: string): boolean {
  const n = name.toUpperCase();
  return SECRET_ENV_NAME.test(n) && !BENIGN_ENV_NAME.test(n);
}

/** Re-read secret values from the environment (called by createLogger; call again after the
 * environment changes). Takes values of secret-named variables (length ≥ 4) and passwords
 * embedded in any URL-valued variable (DATABASE_URL, HTTP_PROXY, ...). */
export function refreshEnvSecrets(env: Record<string, string | undefined> = process.env): void {
  const next = new Set<string>();
  const take = (v: string | undefined) => {
    if (!v) return;
    const t = v.trim();
    if (t.length < MIN_SECRET_LENGTH || TRIVIAL_VALUE.test(t)) return;
    for (const x of variants(t)) next.add(x);
  };
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (isSecretEnvName(name)) {
      take(value);
      // HEATERS_SECRETS is a comma-separated list (see config.ts).
      if (name === 'HEATERS_SECRETS') for (const part of value.split(',')) take(part);
    }
    take(urlPassword(value));
  }
  if (next.size !== fromEnv.size || [...next].some((v) => !fromEnv.has(v))) {
    fromEnv = next;
    literalDirty = true;
  }
}
