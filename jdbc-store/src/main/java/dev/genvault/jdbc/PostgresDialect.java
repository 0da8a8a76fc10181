package dev.genvault.jdbc;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.jdbc.PgStatement;

/** PostgreSQL: JSONB columns, no U+0000 in text, finish and chunk removal in one statement. */
final class PostgresDialect implements SqlDialect {

  /**
   * To the millisecond through the PostgreSQL driver's own statement (the driver cancels the
   * statement on the server when it runs longer); whole seconds through another driver or proxy.
   */
  @Override
  public void limit(Statement statement, Duration timeout) throws SQLException {
    try {
      if (statement.isWrapperFor(PgStatement.class)) {
        statement.unwrap(PgStatement.class).setQueryTimeoutMs(timeout.toMillis());
        return;
      }
    } catch (LinkageError e) {
      // Another PostgreSQL driver: JDBC's timeout below.
    }
    SqlDialect.super.limit(statement, timeout);
  }

  /**
   * The driver sends the statement unnamed (no server-side prepare), so the server plans it with
   * its values and the table's current size; a named statement gets, after five runs, a generic
   * plan that it keeps (chosen while the table was small, that plan reads every row).
   */
  @Override
  public void planEachTime(Statement statement) throws SQLException {
    try {
      if (statement.isWrapperFor(PgStatement.class)) {
        statement.unwrap(PgStatement.class).setPrepareThreshold(0);
      }
    } catch (LinkageError e) {
      // Another PostgreSQL driver: its own planning.
    }
  }

  /**
   * A lookup of each parent by primary key. PostgreSQL plans the default join once for every step
   * of the walk, from the estimates of the whole recursion, and on a small table chose a hash join
   * that read every row at every step: a 50-turn walk took 1.6-1.8 ms there against 0.5-0.6 ms this
   * way (benchmarks ThreadReadBenchmark's table). {@code LIMIT 1} keeps the subquery from being
   * pulled up into that join again.
   */
  @Override
  public String parentStep(String columns) {
    StringBuilder x = new StringBuilder();
    for (String column : columns.split(",")) {
      x.append(x.length() == 0 ? "x." : ", x.").append(column.trim());
    }
    return "chain c CROSS JOIN LATERAL (SELECT "
        + x
        + " FROM generations x WHERE x.id = c.parent_id LIMIT 1) g";
  }

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
        + " IN (SELECT id FROM done)), "
        + GenerationSql.LEASE_DELETE
        + " SELECT COUNT(*) FROM done";
  }

  @Override
  public boolean keepsLeases() {
    return true;
  }
}
