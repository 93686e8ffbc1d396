// Presigned GET URLs for S3Store objects (AWS Signature V4, query form), so media bytes from S3 go
// from the bucket to the browser and never stream through Node. Same algorithm as the SDK's presigner,
// written out here because only the S3 client itself is a dependency.
import { createHash, createHmac } from 'node:crypto';
import type { S3Store } from '../storage/index.ts';

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256hex = (data: string) => createHash('sha256').update(data).digest('hex');

export async function presignGet(store: S3Store, key: string, expiresSeconds = 3600, now = new Date()): Promise<string> {
  const cfg = store.client.config;
  const creds = await cfg.credentials();
  const region = await cfg.region();
  const fullKey = store.prefix ? `${store.prefix}/${key}` : key;
  const ep = cfg.endpoint ? await cfg.endpoint() : undefined;
  const protocol = ep?.protocol ?? 'https:';
  const hostBase = ep ? `${ep.hostname}${ep.port ? `:${ep.port}` : ''}` : `s3.${region}.amazonaws.com`;
  const basePath = ep?.path && ep.path !== '/' ? ep.path.replace(/\/$/, '') : '';
  const pathStyle = cfg.forcePathStyle === true || store.bucket.includes('.');
  const host = pathStyle ? hostBase : `${store.bucket}.${hostBase}`;
  const keyPath = fullKey.split('/').map(enc).join('/');
  const path = pathStyle ? `${basePath}/${enc(store.bucket)}/${keyPath}` : `${basePath}/${keyPath}`;

  const query = signQuery({ host, path, region, credentials: creds, expiresSeconds, now });
  return `${protocol}//${host}${path}?${query}`;
}

export interface SignQueryInput {
  host: string;
  /** Already URI-encoded path. */
  path: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  expiresSeconds: number;
  now: Date;
}

/** The query string (signature included) of a presigned S3 GET, AWS Signature V4. */
export function signQuery({ host, path, region, credentials: creds, expiresSeconds, now }: SignQueryInput): string {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const query: Record<string, string> = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${creds.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(Math.max(1, Math.min(604800, Math.floor(expiresSeconds)))),
    'X-Amz-SignedHeaders': 'host',
  };
  if (creds.sessionToken) query['X-Amz-Security-Token'] = creds.sessionToken;
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${enc(k)}=${enc(query[k] as string)}`)
    .join('&');
  const canonicalRequest = ['GET', path, canonicalQuery, `host:${host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${creds.secretAccessKey}`, day);
  const kSigning = hmac(hmac(hmac(kDate, region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  return `${canonicalQuery}&X-Amz-Signature=${signature}`;
}
