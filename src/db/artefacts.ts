// Stored files of a video (one object per kind), written by finalize.
import type { Db } from './client.ts';

export type ArtefactKind = 'proxy' | 'master' | 'thumbs';

export type ArtefactInput = {
  videoId: string;
  kind: ArtefactKind;
  storeUri: string;
  objectKey: string;
  bytes: number;
  sha256?: string | null;
  storageClass?: string | null;
  contentType?: string | null;
  /** Kind-specific facts (thumbs: the sprite sheet's index). */
  details?: Record<string, unknown> | null;
};

export type Artefact = {
  videoId: string;
  kind: ArtefactKind;
  storeUri: string;
  objectKey: string;
  bytes: number;
  sha256: string | null;
  storageClass: string | null;
  contentType: string | null;
  details: Record<string, unknown> | null;
  createdAt: Date;
};

type ArtefactRow = {
  video_id: string;
  kind: ArtefactKind;
  store_uri: string;
  object_key: string;
  bytes: string; // bigint arrives as text
  sha256: string | null;
  storage_class: string | null;
  content_type: string | null;
  details: Record<string, unknown> | null;
  created_at: Date;
};

const toArtefact = (r: ArtefactRow): Artefact => ({
  videoId: r.video_id,
  kind: r.kind,
  storeUri: r.store_uri,
  objectKey: r.object_key,
  bytes: Number(r.bytes),
  sha256: r.sha256,
  storageClass: r.storage_class,
  contentType: r.content_type,
  details: r.details ?? null,
  createdAt: r.created_at,
});

/** Insert or overwrite the (video, kind) artefact (finalize may run twice). */
export async function upsertArtefact(db: Db, a: ArtefactInput): Promise<Artefact> {
  const { rows } = await db.query<ArtefactRow>(
    `INSERT INTO heaters.artefacts (video_id, kind, store_uri, object_key, bytes, sha256, storage_class, content_type, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (video_id, kind) DO UPDATE SET
       store_uri = EXCLUDED.store_uri, object_key = EXCLUDED.object_key, bytes = EXCLUDED.bytes,
       sha256 = EXCLUDED.sha256, storage_class = EXCLUDED.storage_class, content_type = EXCLUDED.content_type, details = EXCLUDED.details,
       created_at = now()
     RETURNING *`,
    [a.videoId, a.kind, a.storeUri, a.objectKey, a.bytes, a.sha256 ?? null, a.storageClass ?? null, a.contentType ?? null, a.details ? JSON.stringify(a.details) : null],
  );
  return toArtefact(rows[0] as ArtefactRow);
}

export async function listArtefacts(db: Db, videoId: string): Promise<Artefact[]> {
  const { rows } = await db.query<ArtefactRow>('SELECT * FROM heaters.artefacts WHERE video_id = $1 ORDER BY kind', [videoId]);
  return rows.map(toArtefact);
}
