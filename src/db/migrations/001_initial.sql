-- Heaters' own tables. pg-boss keeps its tables in its own schema.

CREATE TABLE heaters.videos (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source_url      text NOT NULL,
  idempotency_key text NOT NULL,
  options         jsonb NOT NULL DEFAULT '{}',
  state           text NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued', 'downloading', 'preprocessing', 'detecting', 'finalizing', 'ready', 'failed')),
  progress        jsonb,              -- latest {stage, percent, bytes, speed, ...}
  probe           jsonb,
  keyframe_times  double precision[],
  detector        jsonb,              -- {name, version, params, cuts}
  error_code      text,
  error_message   text,               -- redacted before it is stored
  title           text,
  duration_s      double precision,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  ready_at        timestamptz
);

-- The same source in flight or ready is one video; a failed one may be retried as a new video.
CREATE UNIQUE INDEX videos_idempotency_key_live ON heaters.videos (idempotency_key) WHERE state <> 'failed';
CREATE INDEX videos_state ON heaters.videos (state);

CREATE FUNCTION heaters.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE TRIGGER videos_touch_updated_at BEFORE UPDATE ON heaters.videos
  FOR EACH ROW EXECUTE FUNCTION heaters.touch_updated_at();

CREATE TABLE heaters.artefacts (
  video_id      uuid NOT NULL REFERENCES heaters.videos (id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('proxy', 'master')),
  store_uri     text NOT NULL,
  object_key    text NOT NULL,
  bytes         bigint NOT NULL CHECK (bytes >= 0),
  sha256        text,
  storage_class text,
  content_type  text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (video_id, kind)
);

CREATE TABLE heaters.clips (
  video_id     uuid NOT NULL REFERENCES heaters.videos (id) ON DELETE CASCADE,
  idx          integer NOT NULL CHECK (idx >= 0),
  start_frame  integer NOT NULL CHECK (start_frame >= 0),
  end_frame    integer NOT NULL,
  start_s      double precision NOT NULL CHECK (start_s >= 0),
  end_s        double precision NOT NULL,
  keyframe_s   double precision,
  review_state text NOT NULL DEFAULT 'pending' CHECK (review_state IN ('pending', 'approved', 'rejected')),
  PRIMARY KEY (video_id, idx),
  CHECK (end_frame >= start_frame),
  CHECK (end_s >= start_s)
);

CREATE TABLE heaters.stage_runs (
  id            bigserial PRIMARY KEY,
  video_id      uuid NOT NULL REFERENCES heaters.videos (id) ON DELETE CASCADE,
  stage         text NOT NULL,
  attempt       integer NOT NULL DEFAULT 1,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  wall_ms       integer,
  ok            boolean,
  error_code    text,
  handoff_ms    integer,              -- gap between the previous stage's finish and this start
  bytes_up      bigint,
  bytes_down    bigint,
  store_ops     jsonb,                -- {put, get, head, list, delete, ...}
  encode_passes integer,
  details       jsonb
);

CREATE INDEX stage_runs_video ON heaters.stage_runs (video_id, started_at);
