-- Genvault schema for PostgreSQL, version 6 (after version 5): the three history indexes in
-- ascending order. Each history query still reads its index, backwards (PostgreSQL scans a B-tree
-- either way; the EXPLAIN tests pin it). In descending order a new row's entry, the newest, went
-- to the far left of the index (or of its tenant's range), so each page split left a half-full page
-- behind that no later entry reached: those indexes stayed about half empty. In ascending order
-- the new entry goes to the right end, where PostgreSQL splits a full page at its fillfactor.
-- Measured (benchmarks ChatPeerLoad, durable PostgreSQL 14, 10-turn chats): the overall and the
-- tenant history indexes fell from 98 and 113 to 57 and 66 bytes per generation. The per-user
-- index stays near half full wherever many users write at once: each user's entries go to the
-- middle of the index.
-- On a large table this rebuilds three indexes, and writes wait while each is built.
DROP INDEX IF EXISTS generations_history;
CREATE INDEX IF NOT EXISTS generations_history ON generations (created_at, id);
DROP INDEX IF EXISTS generations_tenant_history;
CREATE INDEX IF NOT EXISTS generations_tenant_history ON generations (tenant_id, created_at, id);
DROP INDEX IF EXISTS generations_user_history;
CREATE INDEX IF NOT EXISTS generations_user_history ON generations (user_id, created_at, id);
