package dev.genvault.jdbc;

import java.math.BigDecimal;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A database Genvault knows how to store generations in. Each has its own schema file beside this
 * class ({@code schema-postgresql.sql}, {@code schema-sqlite.sql}, {@code schema-h2.sql}).
 */
public enum Dialect {
  /** PostgreSQL 12 or later: JSONB documents, exact NUMERIC costs, TIMESTAMPTZ times. */
  POSTGRESQL("schema-postgresql.sql"),
  /** SQLite 3.35 or later: JSON and exact costs as text, times as UTC epoch microseconds. */
  SQLITE("schema-sqlite.sql"),
  /** H2 2.x: exact DECFLOAT costs, TIMESTAMP WITH TIME ZONE times. */
  H2("schema-h2.sql");

  private final String schemaResource;

  Dialect(String schemaResource) {
    this.schemaResource = schemaResource;
  }

  /** The DDL file beside this class. */
  public String schemaResource() {
    return schemaResource;
  }

  /**
   * The dialect of a connection's database.
   *
   * @throws IllegalStateException for a database Genvault does not support (never a silent guess)
   */
  public static Dialect of(DatabaseMetaData meta) throws SQLException {
    String product = meta.getDatabaseProductName();
    String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (name.contains("postgresql")) {
      return POSTGRESQL;
    }
    if (name.contains("sqlite")) {
      return SQLITE;
    }
    if (name.equals("h2")) {
      return H2;
    }
    throw new IllegalStateException(
        "Genvault does not support the database '"
            + product
            + "'; supported are PostgreSQL, SQLite and H2 (set the dialect explicitly only for one of them)");
  }

  /** A JSON parameter placeholder. */
  String json(String placeholder) {
    return this == POSTGRESQL ? "CAST(" + placeholder + " AS JSONB)" : placeholder;
  }

  /** An expression for the UTC calendar day of a time column. */
  String day(String column) {
    return switch (this) {
      case POSTGRESQL -> "CAST(" + column + " AT TIME ZONE 'UTC' AS DATE)";
      case H2 -> "CAST(" + column + " AT TIME ZONE 'UTC' AS DATE)";
      case SQLITE -> "date(" + column + " / 1000000, 'unixepoch')";
    };
  }

  /** Whether SUM over cost columns is exact in the database (else costs are summed in Java). */
  boolean sumsDecimalsExactly() {
    return this != SQLITE;
  }

  void setTime(PreparedStatement ps, int index, @Nullable Instant value) throws SQLException {
    if (value == null) {
      ps.setNull(index, this == SQLITE ? Types.BIGINT : Types.TIMESTAMP_WITH_TIMEZONE);
    } else if (this == SQLITE) {
      ps.setLong(index, ChronoUnit.MICROS.between(Instant.EPOCH, value));
    } else {
      ps.setObject(index, value.atOffset(ZoneOffset.UTC));
    }
  }

  @Nullable Instant getTime(ResultSet rs, String column) throws SQLException {
    if (this == SQLITE) {
      long micros = rs.getLong(column);
      return rs.wasNull() ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  void setDecimal(PreparedStatement ps, int index, @Nullable BigDecimal value) throws SQLException {
    if (value == null) {
      ps.setNull(index, this == SQLITE ? Types.VARCHAR : Types.NUMERIC);
    } else if (this == SQLITE) {
      ps.setString(index, value.toPlainString());
    } else {
      ps.setBigDecimal(index, value);
    }
  }

  @Nullable BigDecimal getDecimal(ResultSet rs, String column) throws SQLException {
    if (this == SQLITE) {
      String text = rs.getString(column);
      return text == null ? null : new BigDecimal(text);
    }
    return rs.getBigDecimal(column);
  }

  /**
   * Text as the database can keep it. PostgreSQL cannot store U+0000 in text: it is replaced by
   * U+FFFD there (requests with U+0000 are refused before they are sent, so only a model's output
   * can carry one).
   */
  String text(String value) {
    return this == POSTGRESQL && value.indexOf('\0') >= 0 ? value.replace('\0', '\uFFFD') : value;
  }
}
