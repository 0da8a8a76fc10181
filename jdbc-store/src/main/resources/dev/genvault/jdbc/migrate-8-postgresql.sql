-- Genvault schema for PostgreSQL, version 8 (after version 7): the three history indexes without
-- the generation's ID. An entry of the user's index was the user, the time and the 21-character ID:
-- 60 bytes with its alignment and line pointer, 36 without the ID (the tenant's 52 and 28, the
-- overall one's 44 and 20). History still reads newest first through these indexes, backwards:
-- the index gives the order by time, and rows of the same microsecond (rare) are put in ID order
-- by an incremental sort over just those rows; a page after a cursor starts at the cursor's time
-- in the index (the `EXPLAIN` tests pin both).
-- Measured (benchmarks ChatPeerLoad, durable PostgreSQL 14): the three indexes fell from 116, 69
-- and 59 to 74, 41 and 33 bytes per generation, and the tables' steady growth per chat turn from
-- 2,035-2,072 to 1,958-1,991 bytes at 50 turns (1,872-1,885 at 10). A user's history page among
-- a million rows (HistoryBenchmark) read in 0.80 ms at the median, against 0.86 before.
-- On a large table this rebuilds three indexes, and writes wait while each is built.
DROP INDEX IF EXISTS generations_history;
CREATE INDEX IF NOT EXISTS generations_history ON generations (created_at);
DROP INDEX IF EXISTS generations_tenant_history;
CREATE INDEX IF NOT EXISTS generations_tenant_history ON generations (tenant_id, created_at);
DROP INDEX IF EXISTS generations_user_history;
CREATE INDEX IF NOT EXISTS generations_user_history ON generations (user_id, created_at);
