// The scrubber of text: one string in, the same string with every secret replaced out. Runs on every
// log line, so: no allocation when nothing matches, cheap literal checks before the costlier regexes.
import {
  AWS_KEY_ID,
  BEARER,
  HEADER,
  KEY_VALUE,
  MIN_SECRET_LENGTH,
  QUERY_PARAM,
  QUERY_PARAM_ENCODED,
  REDACTED,
  URL_PASSWORD,
  XML_SECRET,
} from './patterns.ts';
import { literalRegex } from './secrets.ts';

/** Scrub one string. Ordinary text comes back unchanged (same string). */
export function redactText(s: string): string {
  if (s.length < MIN_SECRET_LENGTH) return s;
  let out = s;
  const lit = literalRegex();
  if (lit) out = out.replace(lit, REDACTED);
  if (out.includes('://')) out = out.replace(URL_PASSWORD, `$1:${REDACTED}@`);
  out = out.replace(QUERY_PARAM, `$1${REDACTED}`);
  if (out.includes('%')) out = out.replace(QUERY_PARAM_ENCODED, `$1${REDACTED}`);
  out = out.replace(HEADER, `$1$2${REDACTED}`);
  out = out.replace(KEY_VALUE, `$1$2${REDACTED}`);
  if (out.includes('<')) out = out.replace(XML_SECRET, `<$1>${REDACTED}</$1>`);
  out = out.replace(BEARER, `$1$2${REDACTED}`);
  out = out.replace(AWS_KEY_ID, REDACTED);
  return out;
}
