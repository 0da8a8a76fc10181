-- Genvault schema for SQLite. Times are UTC epoch microseconds; exact decimals are text, version 1.
CREATE TABLE IF NOT EXISTS genvault_schema (
  version INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS generations (
  id                   TEXT  PRIMARY KEY,
  kind                 TEXT  NOT NULL,
  user_id              TEXT,
  tenant_id            TEXT,
  model                TEXT NOT NULL,
  provider             TEXT,
  provider_model       TEXT,
  provider_response_id TEXT,
  request              TEXT        NOT NULL,
  metadata             TEXT,
  text                 TEXT         NOT NULL DEFAULT '',
  finish_reason        TEXT,
  tool_calls           TEXT,
  attributes           TEXT,
  usage                TEXT,
  input_tokens         INTEGER,
  output_tokens        INTEGER,
  cost_usd             TEXT,
  cost_table           TEXT,
  saved_cost_usd       TEXT,
  status               TEXT  NOT NULL,
  error_type           TEXT,
  error_message        TEXT,
  cached_from          TEXT,
  fingerprint          TEXT,
  created_at           INTEGER  NOT NULL,
  first_token_at       INTEGER,
  completed_at         INTEGER,
  updated_at           INTEGER  NOT NULL,
  heartbeat_at         INTEGER
);

-- History by user, by tenant, and overall, newest first (keyset pagination on created_at, id).
CREATE INDEX IF NOT EXISTS generations_user_history ON generations (user_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS generations_tenant_history ON generations (tenant_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS generations_history ON generations (created_at DESC, id DESC);
-- The sweeper: live rows by heartbeat.
CREATE INDEX IF NOT EXISTS generations_live_heartbeat ON generations (heartbeat_at)
  WHERE status IN ('pending', 'streaming');
CREATE INDEX IF NOT EXISTS generations_fingerprint ON generations (fingerprint);

CREATE TABLE IF NOT EXISTS generation_chunks (
  generation_id TEXT NOT NULL,
  seq           INTEGER     NOT NULL,
  text          TEXT        NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (generation_id, seq)
);

CREATE TABLE IF NOT EXISTS generation_blobs (
  generation_id TEXT  NOT NULL,
  n             INTEGER      NOT NULL,
  blob_key      TEXT NOT NULL,
  url           TEXT,
  content_type  TEXT NOT NULL,
  size_bytes    INTEGER       NOT NULL,
  sha256        TEXT  NOT NULL,
  PRIMARY KEY (generation_id, n)
);
