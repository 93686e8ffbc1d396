-- Wave 2, the real web: a playlist, channel or page is a source that fans out into one video per
-- entry; a video knows its canonical identity (`youtube:dQw4w9WgXcQ`, NULL for the generic
-- extractor, whose ids are file names), its site, and which item of its page it is; every daemon
-- shares per-site state (the rate-limit cooldown and the last download start).

CREATE TABLE heaters.sources (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source_key   text NOT NULL UNIQUE,      -- sha256 of the canonical id, else of the normalized URL
  url          text NOT NULL,
  extractor    text,
  external_id  text,                      -- the extractor's playlist/channel id
  canonical_id text,
  title        text,
  entry_count  integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  resolved_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE heaters.source_entries (
  source_id     uuid NOT NULL REFERENCES heaters.sources (id) ON DELETE CASCADE,
  entry_key     text NOT NULL,            -- the entry video's idempotency key
  position      integer NOT NULL,         -- 1-based, as last resolved
  video_id      uuid REFERENCES heaters.videos (id) ON DELETE SET NULL,
  url           text NOT NULL,
  title         text,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source_id, entry_key)
);
CREATE INDEX source_entries_video ON heaters.source_entries (video_id);

ALTER TABLE heaters.videos ADD COLUMN canonical_id text;
ALTER TABLE heaters.videos ADD COLUMN site text;
ALTER TABLE heaters.videos ADD COLUMN playlist_item integer CHECK (playlist_item >= 1);
CREATE INDEX videos_canonical ON heaters.videos (canonical_id) WHERE canonical_id IS NOT NULL;

CREATE TABLE heaters.sites (
  site               text PRIMARY KEY,
  cooldown_until     timestamptz,
  cooldown_reason    text,                -- redacted message of the failure that started it
  rate_limited_total integer NOT NULL DEFAULT 0,
  last_start_at      timestamptz
);
