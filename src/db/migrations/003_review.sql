-- Wave 2, review: clips are reviewed by people. Their states become pending/approved/skipped/archived,
-- they can be grouped, split and merged (so their position `idx` is renumbered, and the stable `id` is
-- the key), they carry the confidence of the cut at their start (when the detector gives one), a lease
-- for the reviewer who claimed them, and whether a person made or changed their range (`origin`), which
-- re-detection keeps. Every review or cut operation is an append-only event (undo/redo replays them).
-- Artefacts gain the thumbnail sprite sheet (`thumbs`, its index in `details`).

ALTER TABLE heaters.clips DROP CONSTRAINT clips_review_state_check;
UPDATE heaters.clips SET review_state = 'archived' WHERE review_state = 'rejected';
ALTER TABLE heaters.clips ADD CONSTRAINT clips_review_state_check
  CHECK (review_state IN ('pending', 'approved', 'skipped', 'archived'));

-- The stable id is the key; the position is unique per video but renumbered inside a transaction.
ALTER TABLE heaters.clips DROP CONSTRAINT clips_pkey;
ALTER TABLE heaters.clips ADD CONSTRAINT clips_pkey PRIMARY KEY (id);
ALTER TABLE heaters.clips ADD CONSTRAINT clips_video_idx UNIQUE (video_id, idx) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE heaters.clips ADD CONSTRAINT clips_video_start UNIQUE (video_id, start_frame) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE heaters.clips
  ADD COLUMN group_id         uuid,
  ADD COLUMN origin           text NOT NULL DEFAULT 'detector' CHECK (origin IN ('detector', 'reviewer')),
  ADD COLUMN confidence       double precision,
  ADD COLUMN leased_by        text,
  ADD COLUMN lease_expires_at timestamptz,
  ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now();

-- The review queue: pending clips of a video in order.
CREATE INDEX clips_pending ON heaters.clips (video_id, start_frame) WHERE review_state = 'pending';
CREATE INDEX clips_leased_by ON heaters.clips (leased_by) WHERE leased_by IS NOT NULL;

CREATE TABLE heaters.review_events (
  id           bigserial PRIMARY KEY,
  video_id     uuid NOT NULL REFERENCES heaters.videos (id) ON DELETE CASCADE,
  reviewer     text NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  action       text NOT NULL CHECK (action IN ('approve', 'skip', 'archive', 'group', 'merge', 'split', 'undo', 'redo')),
  clip_id      uuid,                 -- the clip the action named (not a foreign key: clips come and go)
  target_event bigint REFERENCES heaters.review_events (id),  -- undo/redo: the action undone or redone
  args         jsonb NOT NULL DEFAULT '{}',
  before       jsonb NOT NULL,       -- snapshots of the clips the event replaced
  after        jsonb NOT NULL        -- snapshots of the clips it left
);
CREATE INDEX review_events_reviewer ON heaters.review_events (reviewer, id);
CREATE INDEX review_events_video ON heaters.review_events (video_id, id);

-- Append-only: an event is never changed.
CREATE FUNCTION heaters.review_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'heaters.review_events is append-only';
END
$$;
CREATE TRIGGER review_events_no_update BEFORE UPDATE ON heaters.review_events
  FOR EACH ROW EXECUTE FUNCTION heaters.review_events_immutable();

ALTER TABLE heaters.artefacts DROP CONSTRAINT artefacts_kind_check;
ALTER TABLE heaters.artefacts ADD CONSTRAINT artefacts_kind_check CHECK (kind IN ('proxy', 'master', 'thumbs'));
ALTER TABLE heaters.artefacts ADD COLUMN details jsonb;
