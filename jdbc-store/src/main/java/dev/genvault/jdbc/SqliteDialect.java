package dev.genvault.jdbc;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SQLite: times as UTC epoch microseconds, exact decimals as text, summed in Java. */
final class SqliteDialect implements SqlDialect {
  private static final Logger log = LoggerFactory.getLogger(JdbcGenerationStore.class);

  /** SQLite has no row locks: a write transaction holds the whole database. */
  @Override
  public String forUpdate() {
    return "";
  }

  @Override
  public String day(String column) {
    return "date(" + column + " / 1000000, 'unixepoch')";
  }

  /** SQLite would sum decimal text as floating point. */
  @Override
  public boolean sumsDecimalsExactly() {
    return false;
  }

  @Override
  public void setTime(PreparedStatement ps, int index, @Nullable Instant value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      // Seconds and microseconds apart: going through nanoseconds overflows after 2262.
      ps.setLong(
          index,
          Math.addExact(
              Math.multiplyExact(value.getEpochSecond(), 1_000_000L), value.getNano() / 1000));
    }
  }

  @Override
  public @Nullable Instant getTime(ResultSet rs, int column) throws SQLException {
    long micros = rs.getLong(column);
    return rs.wasNull() ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  @Override
  public void setDecimal(PreparedStatement ps, int index, @Nullable BigDecimal value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value.toPlainString());
    }
  }

  @Override
  public @Nullable BigDecimal getDecimal(ResultSet rs, int column) throws SQLException {
    String text = rs.getString(column);
    return text == null ? null : new BigDecimal(text);
  }

  /** Warns about a SQLite database that is not in WAL mode with {@code synchronous=FULL}. */
  @Override
  public void checkSettings(Jdbi jdbi) {
    jdbi.useHandle(
        h -> {
          String journal = h.createQuery("PRAGMA journal_mode").mapTo(String.class).one();
          Integer sync = h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one();
          if (!"wal".equalsIgnoreCase(journal) || sync == null || sync < 2) {
            log.warn(
                "SQLite runs with journal_mode={} and synchronous={}: use WAL and synchronous=FULL (2)"
                    + " for durable, concurrent writes (JdbcGenerationStore.sqlite(path) sets both)",
                journal,
                sync);
          }
        });
  }
}
