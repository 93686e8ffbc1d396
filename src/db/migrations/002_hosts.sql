-- Wave 2, hosts: every daemon is a host with a liveness row; a video's chain is placed on the host
-- holding its local artefacts; every stage run says where it ran. Clips get a stable id of their own
-- (review and export address clips by it, not by their position).

CREATE TABLE heaters.hosts (
  id             text PRIMARY KEY,
  started_at     timestamptz NOT NULL DEFAULT now(),
  heartbeat_at   timestamptz NOT NULL DEFAULT now(),
  stopped_at     timestamptz,          -- set by a clean shutdown; NULL while running (or after a crash)
  version        text,
  pools          jsonb,                -- {io: {min, max}, cpu: {min, max}, stageConcurrency}
  details        jsonb
);

-- The host that holds (or last held) the video's local artefacts; NULL until a download starts.
ALTER TABLE heaters.videos ADD COLUMN host_id text;
CREATE INDEX videos_host_active ON heaters.videos (host_id)
  WHERE state IN ('downloading', 'preprocessing', 'detecting', 'finalizing');

ALTER TABLE heaters.stage_runs ADD COLUMN host_id text;

ALTER TABLE heaters.clips ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE heaters.clips ADD CONSTRAINT clips_id_unique UNIQUE (id);
