package dev.genvault.jdbc;

import java.sql.Statement;
import java.time.Duration;

/** H2 2.x: standard types; no {@code ON CONFLICT}, so a duplicate chunk is skipped by a check. */
final class H2Dialect implements SqlDialect {

  /**
   * Not bounded: H2's driver makes a statement's timeout a setting of its whole session, which
   * would then bound the store's statements on that pooled connection too. H2 runs in the process,
   * so there is no network to wait on.
   */
  @Override
  public void limit(Statement statement, Duration timeout) {}

  @Override
  public String insertChunkIgnoringDuplicate(String insert) {
    return insert
        + " AND NOT EXISTS (SELECT 1 FROM generation_chunks c WHERE c.generation_id = :id"
        + " AND c.seq = :seq)";
  }

  /**
   * A concurrent writer can insert the same chunk between the check and the insert; the retry's
   * check then skips it, which is what an idempotent append means.
   */
  @Override
  public int chunkAttempts() {
    return 5;
  }
}
