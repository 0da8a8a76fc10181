-- Genvault schema for PostgreSQL, version 3 (after version 2): chat threads stored once.
-- A continuation keeps a reference to the generation it continues (parent_id) and how many of its
-- request's messages are that generation's conversation and answer (inherited_messages); its
-- request column holds only the messages after those. thread_hash is the hash of a complete chat
-- generation's conversation and answer, by which a new request finds its parent; thread_id is the
-- thread's ID, the generation that began the conversation (NULL on that generation itself),
-- written once: a thread keeps its ID when that generation is deleted.
-- Rows written before version 3 have no parent and no thread hash, and are read as before.
ALTER TABLE generations ADD COLUMN IF NOT EXISTS parent_id VARCHAR(64) REFERENCES generations (id);
ALTER TABLE generations ADD COLUMN IF NOT EXISTS inherited_messages INTEGER;
ALTER TABLE generations ADD COLUMN IF NOT EXISTS thread_hash VARCHAR(32);
ALTER TABLE generations ADD COLUMN IF NOT EXISTS thread_id VARCHAR(64);

-- A generation's continuations (and the foreign key's check when a row is deleted).
CREATE INDEX IF NOT EXISTS generations_parent ON generations (parent_id)
  WHERE parent_id IS NOT NULL;
-- The turns of a thread whose first generation was deleted (they have no parent): few rows.
CREATE INDEX IF NOT EXISTS generations_orphans ON generations (thread_id)
  WHERE parent_id IS NULL AND thread_id IS NOT NULL;
-- A new request's parent, by the hash of its conversation so far.
CREATE INDEX IF NOT EXISTS generations_thread_hash ON generations (thread_hash)
  WHERE thread_hash IS NOT NULL;
-- No query reads rows by fingerprint (the dedup cache keeps its own keys): the index only cost
-- two entries per generation.
DROP INDEX IF EXISTS generations_fingerprint;
