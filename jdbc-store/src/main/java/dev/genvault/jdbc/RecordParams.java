package dev.genvault.jdbc;

import static dev.genvault.jdbc.ColumnTypes.DECIMAL;
import static dev.genvault.jdbc.ColumnTypes.TIME;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/**
 * Where a record's values go when a statement writes it: the named parameters of a Jdbi statement
 * ({@link #named}), or the positions of a plain JDBC one ({@link Positional}). {@link
 * GenerationSql} binds a record once, through this, for both. JSON values are text here (the
 * statement casts them where the column is JSON).
 *
 * @param <X> what setting a value can throw: nothing checked for Jdbi, {@code SQLException} for
 *     JDBC
 */
interface RecordParams<X extends Exception> {
  void text(String name, @Nullable String value) throws X;

  void integer(String name, @Nullable Integer value) throws X;

  void bigint(String name, @Nullable Long value) throws X;

  void time(String name, @Nullable Instant value) throws X;

  void decimal(String name, @Nullable BigDecimal value) throws X;

  void bytes(String name, byte @Nullable [] value) throws X;

  /** The named parameters of a Jdbi statement, each name followed by {@code suffix}. */
  static RecordParams<RuntimeException> named(SqlStatement<?> s, String suffix) {
    return new RecordParams<>() {
      @Override
      public void text(String name, @Nullable String value) {
        s.bind(name + suffix, value);
      }

      @Override
      public void integer(String name, @Nullable Integer value) {
        s.bind(name + suffix, value);
      }

      @Override
      public void bigint(String name, @Nullable Long value) {
        s.bind(name + suffix, value);
      }

      @Override
      public void time(String name, @Nullable Instant value) {
        s.bindByType(name + suffix, value, TIME);
      }

      @Override
      public void decimal(String name, @Nullable BigDecimal value) {
        s.bindByType(name + suffix, value, DECIMAL);
      }

      @Override
      public void bytes(String name, byte @Nullable [] value) {
        s.bindByType(name + suffix, value, byte[].class);
      }
    };
  }

  /**
   * A statement written with named parameters ({@code :name}, as Jdbi takes them) turned into a
   * plain JDBC one ({@code ?}), for the store's hottest statements: binding through Jdbi resolves
   * an argument factory for every value of every statement, which the profile of a chat turn showed
   * costing more than the binding itself. Immutable; {@link #bind} makes the parameters of one
   * execution.
   */
  final class Positional {
    /** A named parameter; not the second colon of a {@code ::} cast. */
    static final Pattern PARAMETER = Pattern.compile("(?<!:):(\\w+)");

    final String sql;
    private final Map<String, int[]> positions;
    private final int count;

    Positional(String named) {
      Matcher m = PARAMETER.matcher(named);
      StringBuilder sql = new StringBuilder(named.length());
      Map<String, List<Integer>> at = new HashMap<>();
      int n = 0;
      while (m.find()) {
        at.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(++n);
        m.appendReplacement(sql, "?");
      }
      m.appendTail(sql);
      this.sql = sql.toString();
      this.count = n;
      this.positions = new HashMap<>();
      at.forEach((name, list) -> positions.put(name, list.stream().mapToInt(i -> i).toArray()));
    }

    PreparedStatement prepare(Connection c) throws SQLException {
      return c.prepareStatement(sql);
    }

    /** Parameters that set {@code ps}; every parameter must be set before it runs. */
    RecordParams<SQLException> bind(PreparedStatement ps, SqlDialect dialect) {
      return new RecordParams<>() {
        private int set;

        @Override
        public void text(String name, @Nullable String value) throws SQLException {
          for (int i : at(name)) {
            if (value == null) {
              ps.setNull(i, Types.VARCHAR);
            } else {
              ps.setString(i, value);
            }
          }
        }

        @Override
        public void integer(String name, @Nullable Integer value) throws SQLException {
          for (int i : at(name)) {
            if (value == null) {
              ps.setNull(i, Types.INTEGER);
            } else {
              ps.setInt(i, value);
            }
          }
        }

        @Override
        public void bigint(String name, @Nullable Long value) throws SQLException {
          for (int i : at(name)) {
            if (value == null) {
              ps.setNull(i, Types.BIGINT);
            } else {
              ps.setLong(i, value);
            }
          }
        }

        @Override
        public void time(String name, @Nullable Instant value) throws SQLException {
          for (int i : at(name)) {
            dialect.setTime(ps, i, value);
          }
        }

        @Override
        public void decimal(String name, @Nullable BigDecimal value) throws SQLException {
          for (int i : at(name)) {
            dialect.setDecimal(ps, i, value);
          }
        }

        @Override
        public void bytes(String name, byte @Nullable [] value) throws SQLException {
          for (int i : at(name)) {
            if (value == null) {
              ps.setNull(i, Types.VARBINARY);
            } else {
              ps.setBytes(i, value);
            }
          }
        }

        private int[] at(String name) {
          int[] p = positions.get(name);
          if (p == null) {
            throw new IllegalStateException("no parameter :" + name + " in " + sql);
          }
          set += p.length;
          return p;
        }

        @Override
        public String toString() {
          return set + " of " + count + " parameters set";
        }
      };
    }

    /** How many parameters the statement has (a name used twice counts twice). */
    int count() {
      return count;
    }
  }
}
