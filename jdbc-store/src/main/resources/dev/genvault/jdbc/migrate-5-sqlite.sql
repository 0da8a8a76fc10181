-- Genvault schema for SQLite, version 5 (after version 4): a text generation has a thread_key,
-- the hash of its conversation before the answer, written with its pending row and never changed,
-- by which a new request finds its parent (keeping the candidates whose thread hash matches);
-- thread_hash is no longer indexed. Rows finished before this version have no key: a request
-- continuing one of them from another process (or after a restart) is stored whole.
-- (On PostgreSQL this version also moves the sweeper's live rows to a lease table; here the index
-- of live rows stays.)
ALTER TABLE generations ADD COLUMN thread_key TEXT;
CREATE INDEX IF NOT EXISTS generations_thread_key ON generations (thread_key)
  WHERE thread_key IS NOT NULL;
DROP INDEX IF EXISTS generations_thread_hash;

-- How many files a generation has, written with its row (NULL on rows written before this
-- version: unknown), so that a history page of text generations needs no query for files.
ALTER TABLE generations ADD COLUMN blob_count INTEGER;
