package dev.genvault.jdbc;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * What differs between the databases the store runs on. The defaults are standard SQL as PostgreSQL
 * and H2 both speak it: times as {@code TIMESTAMP WITH TIME ZONE}, exact {@code NUMERIC} decimals,
 * {@code INSERT ... ON CONFLICT DO NOTHING}; each database overrides what it does otherwise.
 * Stateless and thread safe.
 */
interface SqlDialect {

  /** A JSON parameter placeholder as the column's type takes it. */
  default String json(String placeholder) {
    return placeholder;
  }

  /**
   * Has the database plan a statement for its values each time it runs, never once for all (a plan
   * made while a table was nearly empty would scan the whole table ever after, until the next
   * ANALYZE). For the few queries whose best plan depends on that: the thread lookups.
   */
  default void planEachTime(Statement statement) throws SQLException {}

  /** What a SELECT ends with to lock the rows it reads until the transaction ends. */
  default String forUpdate() {
    return " FOR UPDATE";
  }

  /** An expression for the UTC calendar day of a time column. */
  default String day(String column) {
    return "CAST(" + column + " AT TIME ZONE 'UTC' AS DATE)";
  }

  /** Whether SUM over cost columns is exact in the database (else costs are summed in Java). */
  default boolean sumsDecimalsExactly() {
    return true;
  }

  /** Text as the database can keep it (by default, exactly as given). */
  default String text(String value) {
    return value;
  }

  /**
   * The insert of one chunk that skips a chunk already stored: {@code insert} is the INSERT ...
   * SELECT of a chunk of a live generation, to which this adds the database's way of ignoring a
   * duplicate.
   */
  default String insertChunkIgnoringDuplicate(String insert) {
    return insert + " ON CONFLICT (generation_id, seq) DO NOTHING";
  }

  /**
   * How many times a checkpoint is tried when a concurrent writer stored one of its chunks first. 1
   * where the insert itself ignores duplicates.
   */
  default int chunkAttempts() {
    return 1;
  }

  /**
   * Whether live generations have lease rows ({@code generation_leases}) for the sweeper, so that
   * no index on {@code generations} reads a column that a generation's final update changes (on
   * PostgreSQL, that update can then be a HOT update). Where false, the sweeper reads an index of
   * live rows on {@code generations} itself.
   */
  default boolean keepsLeases() {
    return false;
  }

  /**
   * One step of a recursive walk up a thread, for the FROM clause of the recursive term: the parent
   * of each row of the work table {@code chain c}, as {@code g} with {@code columns} (a list of
   * {@code generations} columns). By default a join.
   */
  default String parentStep(String columns) {
    return "generations g JOIN chain c ON g.id = c.parent_id";
  }

  /**
   * One statement that applies {@code finish} (an UPDATE of a live row) and removes the row's
   * chunks, answering one row with the number of rows finished; null where the database has no such
   * statement (then both run in one transaction).
   */
  default @Nullable String finishAndDropChunks(String finish) {
    return null;
  }

  /** Binds a time. */
  default void setTime(PreparedStatement ps, int index, @Nullable Instant value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(index, value.atOffset(ZoneOffset.UTC));
    }
  }

  /** Reads a time. */
  default @Nullable Instant getTime(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** Binds an exact decimal. */
  default void setDecimal(PreparedStatement ps, int index, @Nullable BigDecimal value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.NUMERIC);
    } else {
      ps.setBigDecimal(index, value);
    }
  }

  /** Reads an exact decimal. */
  default @Nullable BigDecimal getDecimal(ResultSet rs, int column) throws SQLException {
    return rs.getBigDecimal(column);
  }

  /**
   * Checks a database the store did not configure itself (a {@code DataSource} or {@code Jdbi} of
   * yours), logging what is not durable. Nothing to check by default.
   */
  default void checkSettings(Jdbi jdbi) {}

  /**
   * Bounds one statement by {@code timeout} (the dedup cache's, so that a slow database fails open
   * quickly). By default JDBC's per-statement timeout, in whole seconds rounded up.
   */
  default void limit(Statement statement, Duration timeout) throws SQLException {
    long millis = timeout.toMillis();
    statement.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
  }
}
