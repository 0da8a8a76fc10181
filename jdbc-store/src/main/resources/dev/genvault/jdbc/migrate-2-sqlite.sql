-- Genvault schema for SQLite, version 2 (after version 1): the dedup cache's table.
-- One row per cache key (a result {tenant}:{fingerprint} or a claim {tenant}:{fingerprint}:claim);
-- expires_at is epoch milliseconds by the clock of JdbcDedupCache. Clustered on the key.
CREATE TABLE IF NOT EXISTS genvault_dedup (
  cache_key   TEXT    PRIMARY KEY,
  cache_value TEXT    NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- Expired rows are removed in small batches, oldest first.
CREATE INDEX IF NOT EXISTS genvault_dedup_expiry ON genvault_dedup (expires_at);
