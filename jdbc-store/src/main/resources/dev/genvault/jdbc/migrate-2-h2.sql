-- Genvault schema for H2, version 2 (after version 1): the dedup cache's table.
-- One row per cache key (a result {tenant}:{fingerprint} or a claim {tenant}:{fingerprint}:claim);
-- expires_at is epoch milliseconds by the clock of JdbcDedupCache.
CREATE TABLE IF NOT EXISTS genvault_dedup (
  cache_key   CHARACTER VARYING PRIMARY KEY,
  cache_value CHARACTER VARYING NOT NULL,
  expires_at  BIGINT            NOT NULL
);

-- Expired rows are removed in small batches, oldest first.
CREATE INDEX IF NOT EXISTS genvault_dedup_expiry ON genvault_dedup (expires_at);
