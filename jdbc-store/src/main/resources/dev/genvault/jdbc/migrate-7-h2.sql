-- Genvault schema for H2, version 7 (after version 6): the row's three hashes as bytes. The dedup
-- fingerprint, the thread key and the thread hash are 128-bit values that rows kept as 32 hex
-- digits (the fingerprint as 64 until then); new rows write them as 16 bytes in the *_bytes columns
-- and leave the text ones NULL (a value that is not lowercase hex still goes to the text column).
-- Rows written before keep their text, are read as before, and are still found by their thread key
-- through the old index. Stop every process of the old version before migrating: it would not read
-- the new rows' messages (kept as [role, content] pairs) nor find their hashes.
ALTER TABLE generations ADD COLUMN IF NOT EXISTS fingerprint_bytes VARBINARY(64);
ALTER TABLE generations ADD COLUMN IF NOT EXISTS thread_hash_bytes VARBINARY(64);
ALTER TABLE generations ADD COLUMN IF NOT EXISTS thread_key_bytes VARBINARY(64);
CREATE INDEX IF NOT EXISTS generations_thread_key_bytes ON generations (thread_key_bytes);
