-- Genvault schema for PostgreSQL, version 8 (after version 7): the three history indexes without
-- the generation's ID, on PostgreSQL 13 or later. With a short user ID (8 characters), an entry of
-- the user's index was the user, the time and the 21-character ID: 60 bytes with its alignment and
-- line pointer, 36 without the ID (the tenant's 52 and 28, the overall one's 44 and 20). History
-- still reads newest first through these indexes, backwards: the index gives the order by time, and
-- rows of the same microsecond are put in ID order by an incremental sort, in small batches (rare
-- with the generator's clock, which ticks in microseconds; a coarser clock of yours makes larger
-- groups). A page after a cursor starts reading at the cursor's time. PostgreSQL 12 has no
-- incremental sort: there every page would sort all of a user's rows, so it keeps the indexes of
-- version 6.
-- Measured (benchmarks ChatPeerLoad, durable PostgreSQL 14): the three indexes fell from 116, 69
-- and 59 to 74, 41 and 33 bytes per generation, and the tables' steady growth per chat turn from
-- 2,072 to 1,958-1,998 bytes at 50 turns (four runs) and from 1,966-1,986 to 1,872-1,930 at 10
-- (five runs). A user's history page among a million rows (HistoryBenchmark) was no slower: 0.80
-- ms at the median, 0.86 in an earlier run (this machine's speed varies by more than that).
-- On a large table this rebuilds three indexes, one statement each. While an index is rebuilt its
-- queries (history, spend, erasure) read the table without it, and DROP INDEX waits for the
-- queries running on the table and holds up the ones after it. A database upgraded from version 5
-- or earlier rebuilds them twice (versions 6 and 8). To avoid that on a busy table, build the new
-- indexes yourself first (CREATE INDEX CONCURRENTLY under other names, then drop the old ones and
-- rename the new) and let this file find them in place.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 130000 THEN
    IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema()
                   AND indexname = 'generations_history'
                   AND indexdef LIKE '%(created_at)') THEN
      DROP INDEX IF EXISTS generations_history;
      CREATE INDEX IF NOT EXISTS generations_history ON generations (created_at);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema()
                   AND indexname = 'generations_tenant_history'
                   AND indexdef LIKE '%(tenant_id, created_at)') THEN
      DROP INDEX IF EXISTS generations_tenant_history;
      CREATE INDEX IF NOT EXISTS generations_tenant_history ON generations (tenant_id, created_at);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema()
                   AND indexname = 'generations_user_history'
                   AND indexdef LIKE '%(user_id, created_at)') THEN
      DROP INDEX IF EXISTS generations_user_history;
      CREATE INDEX IF NOT EXISTS generations_user_history ON generations (user_id, created_at);
    END IF;
  END IF;
END
$$;
