-- Genvault schema for H2 (2.x), version 1.
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
  request              CHARACTER VARYING NOT NULL,
  metadata             CHARACTER VARYING,
  text                 CHARACTER VARYING NOT NULL DEFAULT '',
  finish_reason        VARCHAR(64),
  tool_calls           CHARACTER VARYING,
  attributes           CHARACTER VARYING,
  usage                CHARACTER VARYING,
  input_tokens         BIGINT,
  output_tokens        BIGINT,
  cost_usd             DECFLOAT,
  cost_table           VARCHAR(64),
  saved_cost_usd       DECFLOAT,
  status               VARCHAR(16)  NOT NULL,
  error_type           VARCHAR(32),
  error_message        CHARACTER VARYING,
  cached_from          VARCHAR(64),
  fingerprint          VARCHAR(64),
  created_at           TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  first_token_at       TIMESTAMP(6) WITH TIME ZONE,
  completed_at         TIMESTAMP(6) WITH TIME ZONE,
  updated_at           TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  heartbeat_at         TIMESTAMP(6) WITH TIME ZONE
);

-- History by user, by tenant, and overall, newest first (keyset pagination on created_at, id).
CREATE INDEX IF NOT EXISTS generations_user_history ON generations (user_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS generations_tenant_history ON generations (tenant_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS generations_history ON generations (created_at DESC, id DESC);
-- The sweeper: live rows by heartbeat.
CREATE INDEX IF NOT EXISTS generations_live_heartbeat ON generations (status, heartbeat_at);
CREATE INDEX IF NOT EXISTS generations_fingerprint ON generations (fingerprint);

CREATE TABLE IF NOT EXISTS generation_chunks (
  generation_id VARCHAR(64) NOT NULL,
  seq           INTEGER     NOT NULL,
  text          CHARACTER VARYING NOT NULL,
  created_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  PRIMARY KEY (generation_id, seq)
);

CREATE TABLE IF NOT EXISTS generation_blobs (
  generation_id VARCHAR(64)  NOT NULL,
  n             INTEGER      NOT NULL,
  blob_key      VARCHAR(512) NOT NULL,
  url           CHARACTER VARYING,
  content_type  VARCHAR(128) NOT NULL,
  size_bytes    BIGINT       NOT NULL,
  sha256        VARCHAR(64)  NOT NULL,
  PRIMARY KEY (generation_id, n)
);
