-- Genvault schema for PostgreSQL, version 1.
CREATE TABLE IF NOT EXISTS genvault_schema (
  version INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS generations (
  id                   VARCHAR(64)  PRIMARY KEY,
  kind                 VARCHAR(16)  NOT NULL,
  user_id              VARCHAR(256),
  tenant_id            VARCHAR(256),
  model                VARCHAR(256) NOT NULL,
  provider             VARCHAR(128),
  provider_model       VARCHAR(256),
  provider_response_id VARCHAR(256),
  request              JSONB        NOT NULL,
  metadata             JSONB,
  text                 TEXT         NOT NULL DEFAULT '',
  finish_reason        VARCHAR(64),
  tool_calls           TEXT, -- the model's JSON exactly as it came (JSONB would reformat it)
  attributes           JSONB,
  usage                JSONB,
  input_tokens         BIGINT,
  output_tokens        BIGINT,
  cost_usd             NUMERIC,
  cost_table           VARCHAR(64),
  saved_cost_usd       NUMERIC,
  status               VARCHAR(16)  NOT NULL,
  error_type           VARCHAR(32),
  error_message        TEXT,
  cached_from          VARCHAR(64),
  fingerprint          VARCHAR(64),
  created_at           TIMESTAMPTZ  NOT NULL,
  first_token_at       TIMESTAMPTZ,
  completed_at         TIMESTAMPTZ,
  updated_at           TIMESTAMPTZ  NOT NULL,
  heartbeat_at         TIMESTAMPTZ
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
  generation_id VARCHAR(64) NOT NULL,
  seq           INTEGER     NOT NULL,
  text          TEXT        NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (generation_id, seq)
);

CREATE TABLE IF NOT EXISTS generation_blobs (
  generation_id VARCHAR(64)  NOT NULL,
  n             INTEGER      NOT NULL,
  blob_key      VARCHAR(512) NOT NULL,
  url           TEXT,
  content_type  VARCHAR(128) NOT NULL,
  size_bytes    BIGINT       NOT NULL,
  sha256        VARCHAR(64)  NOT NULL,
  PRIMARY KEY (generation_id, n)
);
