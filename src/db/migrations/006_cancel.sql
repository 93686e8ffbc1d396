-- Operations: a person can cancel a video (`heaters cancel <id>`). `cancelled` is terminal like
-- `failed`: no stage moves it on, and the same source may be ingested again as a new video (the
-- idempotency index, like for failed videos, no longer holds it). `retry` reopens either.

ALTER TABLE heaters.videos DROP CONSTRAINT videos_state_check;
ALTER TABLE heaters.videos ADD CONSTRAINT videos_state_check
  CHECK (state IN ('queued', 'downloading', 'preprocessing', 'detecting', 'finalizing', 'ready', 'failed', 'cancelled'));

DROP INDEX heaters.videos_idempotency_key_live;
CREATE UNIQUE INDEX videos_idempotency_key_live ON heaters.videos (idempotency_key)
  WHERE state NOT IN ('failed', 'cancelled');

-- `heaters list` reads the newest videos first.
CREATE INDEX videos_created_at ON heaters.videos (created_at DESC);
