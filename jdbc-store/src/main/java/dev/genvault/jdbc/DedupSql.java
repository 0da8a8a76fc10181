package dev.genvault.jdbc;

/**
 * The statements of {@link JdbcDedupCache} on table {@code genvault_dedup}; each touches one key
 * through the primary key, except the removal of expired rows, which goes through the expiry index.
 * Times are epoch milliseconds by the cache's clock, bound as {@code :now} and {@code :expires}.
 */
final class DedupSql {
  private DedupSql() {}

  /** A hit: one read of the primary key. */
  static final String GET =
      "SELECT cache_value FROM genvault_dedup WHERE cache_key = :key AND expires_at > :now";

  static final String INSERT =
      "INSERT INTO genvault_dedup (cache_key, cache_value, expires_at)"
          + " VALUES (:key, :value, :expires)";

  /** PostgreSQL and SQLite: insert, or replace whatever is under the key. */
  static final String UPSERT =
      INSERT
          + " ON CONFLICT (cache_key) DO UPDATE"
          + " SET cache_value = excluded.cache_value, expires_at = excluded.expires_at";

  /**
   * PostgreSQL and SQLite: insert, or replace only an expired row, in one atomic statement; one row
   * changed means this caller won. PostgreSQL locks the conflicting row and checks the condition on
   * its latest version; SQLite has one writer at a time.
   */
  static final String PUT_IF_ABSENT = UPSERT + " WHERE genvault_dedup.expires_at <= :now";

  /** H2 (no {@code ON CONFLICT}): insert or replace by the key. */
  static final String MERGE =
      "MERGE INTO genvault_dedup (cache_key, cache_value, expires_at) KEY (cache_key)"
          + " VALUES (:key, :value, :expires)";

  /** H2, the first half of put-if-absent: take an expired row over (the insert is the other). */
  static final String TAKE_EXPIRED =
      "UPDATE genvault_dedup SET cache_value = :value, expires_at = :expires"
          + " WHERE cache_key = :key AND expires_at <= :now";

  static final String DELETE = "DELETE FROM genvault_dedup WHERE cache_key = :key";

  /** Compare-and-delete: only a live row holding the expected value. */
  static final String DELETE_IF = DELETE + " AND cache_value = :expected AND expires_at > :now";

  /** Compare-and-renew: only a live row holding the expected value; an expired one stays dead. */
  static final String RENEW_IF =
      "UPDATE genvault_dedup SET expires_at = :expires"
          + " WHERE cache_key = :key AND cache_value = :expected AND expires_at > :now";

  /**
   * At most {@code :limit} expired rows, oldest first. The outer condition is checked again on the
   * row it deletes, so a key taken over between the two reads (live again) is kept.
   */
  static final String REMOVE_EXPIRED =
      "DELETE FROM genvault_dedup WHERE expires_at <= :now AND cache_key IN"
          + " (SELECT cache_key FROM genvault_dedup WHERE expires_at <= :now"
          + " ORDER BY expires_at LIMIT :limit)";
}
