-- Genvault schema for PostgreSQL, version 4 (after version 3): how long text is stored.
-- PostgreSQL compresses a value that would make its row over about 2 KB. Measured on durable
-- PostgreSQL 15 (benchmarks: ColumnCompression; 2 cores), per row inserted and committed, for 4 /
-- 16 / 64 KB of English prose: pglz cost 209 / 413 / 1,216 us and stored 2.4 / 6.3 / 20.4 KB; lz4
-- cost 163 / 220 / 369 us (less than storing it uncompressed: 178 / 243 / 454 us) and stored
-- 2.5 / 6.7 / 15.9 KB; text that does not compress cost pglz 1.3-3x the CPU of lz4 for nothing.
-- So lz4 wherever the server offers it (PostgreSQL 14 or later, built with lz4), for the columns
-- that can be long: the generated text, the request, tool calls, error messages and streamed
-- chunks. Where it does not, generations keep pglz (a stored record is read for years: the space
-- pays), and the chunks, which live only until their generation ends, are not compressed at all.
-- Either way only values written from now on change; nothing is rewritten.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings
             WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE generations
      ALTER COLUMN text SET COMPRESSION lz4,
      ALTER COLUMN request SET COMPRESSION lz4,
      ALTER COLUMN tool_calls SET COMPRESSION lz4,
      ALTER COLUMN error_message SET COMPRESSION lz4;
    ALTER TABLE generation_chunks ALTER COLUMN text SET COMPRESSION lz4;
  ELSE
    ALTER TABLE generation_chunks ALTER COLUMN text SET STORAGE EXTERNAL;
  END IF;
END
$$;
