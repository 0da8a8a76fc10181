package dev.genvault.jdbc;

/** PostgreSQL: JSONB columns, no U+0000 in text, finish and chunk removal in one statement. */
final class PostgresDialect implements SqlDialect {

  @Override
  public String json(String placeholder) {
    return "CAST(" + placeholder + " AS JSONB)";
  }

  /**
   * PostgreSQL cannot store U+0000 in text: it is replaced by U+FFFD (requests with U+0000 are
   * refused before they are sent, so only a model's output can carry one).
   */
  @Override
  public String text(String value) {
    return value.indexOf('\0') >= 0 ? value.replace('\0', '\uFFFD') : value;
  }

  /**
   * One round trip: update the live row and, if it was, drop its chunks (the whole text is on the
   * row now; the chunks were only its progress).
   */
  @Override
  public String finishAndDropChunks(String finish) {
    return "WITH done AS ("
        + finish
        + " RETURNING id), gone AS (DELETE FROM generation_chunks WHERE generation_id"
        + " IN (SELECT id FROM done)) SELECT COUNT(*) FROM done";
  }
}
