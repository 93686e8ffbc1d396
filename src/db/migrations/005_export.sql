-- Wave 2, export: one row per exported file (a clip in a mode over a frame range). The export key
-- (sha256 of clip id, mode and range) makes a request idempotent: asking again returns the same row
-- and, once done, the same object. clip_id is not a foreign key: clips are split and merged, the
-- exported file stays.

CREATE TABLE heaters.exports (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  export_key            text NOT NULL UNIQUE,
  video_id              uuid NOT NULL REFERENCES heaters.videos (id) ON DELETE CASCADE,
  clip_id               uuid NOT NULL,
  mode                  text NOT NULL CHECK (mode IN ('copy', 'exact', 'master')),
  start_frame           integer NOT NULL CHECK (start_frame >= 0),
  end_frame             integer NOT NULL,
  state                 text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'restoring', 'done', 'failed')),
  progress              jsonb,               -- {stage, percent, at}
  attempts              integer NOT NULL DEFAULT 0,
  store_uri             text,
  object_key            text,
  bytes                 bigint,
  sha256                text,
  content_type          text,
  method                text,                -- copy | smart | reencode | ffv1
  source                text,                -- proxy | master
  master_hydrated       text,                -- stored | restored | made (when a master was needed)
  frames                integer,
  extra_leading_frames  integer,
  extra_trailing_frames integer,
  reencoded_frames      integer,
  integrity             jsonb,
  wall_ms               integer,
  error_code            text,
  error_message         text,                -- redacted before it is stored
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  finished_at           timestamptz,
  CHECK (end_frame > start_frame)
);

CREATE INDEX exports_video ON heaters.exports (video_id, created_at);
CREATE INDEX exports_clip ON heaters.exports (clip_id);

CREATE TRIGGER exports_touch_updated_at BEFORE UPDATE ON heaters.exports
  FOR EACH ROW EXECUTE FUNCTION heaters.touch_updated_at();
