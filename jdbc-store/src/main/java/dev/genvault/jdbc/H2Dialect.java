package dev.genvault.jdbc;

/** H2 2.x: standard types; no {@code ON CONFLICT}, so a duplicate chunk is skipped by a check. */
final class H2Dialect implements SqlDialect {

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
