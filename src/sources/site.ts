// The site of a URL: the unit of per-site limits (concurrency, start spacing) and rate-limit
// cooldowns that every daemon observes. A host name without `www.`/`m.`, with a site's well-known
// aliases folded (youtu.be and youtube.com are one site to YouTube's rate limiter).
const ALIASES: Record<string, string> = {
  'youtu.be': 'youtube.com',
  'youtube-nocookie.com': 'youtube.com',
  'music.youtube.com': 'youtube.com',
  'googlevideo.com': 'youtube.com',
  'vimeo.com': 'vimeo.com',
  'player.vimeo.com': 'vimeo.com',
  'twitter.com': 'x.com',
};

/** The site of an http(s) URL, or undefined for local files and anything unparseable. */
export function siteOf(url: string): string | undefined {
  let host: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    host = u.hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
  host = host.replace(/^(?:www|m)\./, '');
  if (ALIASES[host]) return ALIASES[host];
  for (const [alias, site] of Object.entries(ALIASES)) if (host.endsWith(`.${alias}`)) return site;
  return host || undefined;
}
