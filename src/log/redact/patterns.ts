// The shapes a secret takes inside text (URL passwords, tokenised query parameters, auth headers,
// key=value pairs, XML credentials, bearer tokens, AWS key ids), as precompiled regexes. Every
// pattern starts on a literal or a word boundary (linear time on long inputs).

/** Values shorter than this are never treated as secrets (they would shred ordinary text). */
export const MIN_SECRET_LENGTH = 4;

export const REDACTED = '[REDACTED]';

// A value already replaced must not be matched again (keeps redaction idempotent).
const NOT_DONE = '(?!\\[REDACTED\\])';

// Value patterns stop at quotes and backslashes, so a value inside JSON or a quoted string ends at
// its closing quote and the text around it stays intact.

// scheme://user:password@host → scheme://user:[REDACTED]@host. The lookbehind stops the scheme
// from starting mid-word (avoids quadratic scans); the password may itself contain '@' (greedy
// up to the last '@' before the path).
export const URL_PASSWORD = new RegExp(
  `(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*:\\/\\/[^\\s:@\\/?#"'<>\\\\]*):${NOT_DONE}([^\\s\\/?#"'<>\\\\]+)@`,
  'g',
);

const QUERY_NAMES =
  'x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|' +
  'x-api-key|signature|sig|token|access_token|refresh_token|id_token|api_key|apikey|client_secret|password|auth';
// Presigned / tokenised URL query parameters: keep the name, drop the value.
export const QUERY_PARAM = new RegExp(`([?&;](?:${QUERY_NAMES})=)${NOT_DONE}([^&#\\s"'<>\\\\]+)`, 'gi');
// The same inside a percent-encoded URL (e.g. a URL carried in another URL's query).
export const QUERY_PARAM_ENCODED = new RegExp(
  `((?:%3F|%26)(?:${QUERY_NAMES})%3D)${NOT_DONE}([^&#\\s"'<>\\\\]+?)(?=%26|%23|[&#\\s"'<>\\\\]|$)`,
  'gi',
);

// `Authorization: Bearer x`, `"cookie": "a=b"`, `'X-Api-Key': 'k'`: the value runs to the end of
// the line or the closing quote.
export const HEADER = new RegExp(
  `\\b(proxy-authorization|authorization|set-cookie|cookie|x-amz-security-token|x-api-key)` +
    `(\\\\?["']?[ \\t]*:[ \\t]*\\\\?["']?)${NOT_DONE}([^\\s"'\\\\][^\\r\\n"'\\\\]*)`,
  'gi',
);

// key=value / "key": "value" / Key: value where the key names a secret (aws_secret_access_key,
// "secretAccessKey", SecretAccessKey, password=, api_key: ...). The key is kept for context.
export const KEY_VALUE = new RegExp(
  `((?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[\\w-]*)` +
    `(\\\\?["']?[ \\t]*[:=][ \\t]*\\\\?["']?)${NOT_DONE}([^\\s"'\\\\&,;<>{}\\[\\]]+)`,
  'gi',
);

// XML bodies (STS / S3 error responses): <SecretAccessKey>…</SecretAccessKey>.
export const XML_SECRET = /<((?:\w*:)?\w*(?:SecretAccessKey|SessionToken|SecurityToken|Password|Secret|Token))>([^<]+)<\/\1>/g;

// Bearer tokens anywhere.
export const BEARER = new RegExp(`\\b(bearer)(\\s+)${NOT_DONE}([A-Za-z0-9\\-._~+\\/]+=*)`, 'gi');

// AWS access key ids (long-term AKIA…, temporary ASIA…).
export const AWS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
