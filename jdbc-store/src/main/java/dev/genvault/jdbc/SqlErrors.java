package dev.genvault.jdbc;

import dev.genvault.DuplicateGenerationException;
import dev.genvault.Generation;
import dev.genvault.MissingParentException;
import dev.genvault.PersistenceException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import org.jspecify.annotations.Nullable;

/**
 * Turns what JDBC and Jdbi throw into the store's exceptions: a unique violation on a generation's
 * row is a {@link DuplicateGenerationException}; anything else a {@link PersistenceException},
 * retryable when waiting may help (the connection, the server going away, a lock or serialization
 * conflict, {@code SQLITE_BUSY}, or no SQL error at all) and not when no retry can (a value too
 * long for its column, or one the database cannot store).
 */
final class SqlErrors {
  private SqlErrors() {}

  static RuntimeException translate(Exception e, @Nullable String id, Dialect dialect) {
    SQLException sql = findSql(e);
    if (sql != null && isUniqueViolation(sql) && id != null) {
      return new DuplicateGenerationException(id);
    }
    boolean retryable =
        sql == null
            || ((sql instanceof SQLTransientException || isConnectionProblem(sql))
                && !isForeignKeyViolation(sql));
    return new PersistenceException(
        "the " + dialect.lowerName() + " store failed: " + e.getMessage(), id, retryable, e);
  }

  /** Whether a unique constraint refused the write somewhere in {@code e}'s causes. */
  static boolean isUniqueViolation(Throwable e) {
    SQLException sql = findSql(e);
    for (SQLException s = sql; s != null; s = s.getNextException()) {
      if ("23505".equals(s.getSQLState())) {
        return true;
      }
      String message = String.valueOf(s.getMessage());
      if (message.contains("SQLITE_CONSTRAINT_PRIMARYKEY")
          || message.contains("SQLITE_CONSTRAINT_UNIQUE")) {
        return true;
      }
    }
    return false;
  }

  /**
   * What a refused write of {@code row} means: a continuation refused by the foreign key lost its
   * parent (deleted after it was found), a {@link MissingParentException}; anything else as
   * translated.
   */
  static RuntimeException parentGoneOr(Generation row, RuntimeException translated) {
    return row.parentId() != null && isForeignKeyViolation(translated)
        ? new MissingParentException(row.id(), translated)
        : translated;
  }

  /** Whether the database chose this transaction to break a deadlock, or a serialization one. */
  static boolean isDeadlock(Throwable e) {
    for (SQLException s = findSql(e); s != null; s = s.getNextException()) {
      String state = String.valueOf(s.getSQLState());
      if (state.equals("40P01") || state.equals("40001")) {
        return true;
      }
    }
    return false;
  }

  /** Whether a foreign key refused the write: a continuation whose parent is gone. */
  static boolean isForeignKeyViolation(Throwable e) {
    for (SQLException s = findSql(e); s != null; s = s.getNextException()) {
      String state = String.valueOf(s.getSQLState());
      if (state.equals("23503")
          || state.equals("23506")
          || String.valueOf(s.getMessage()).contains("SQLITE_CONSTRAINT_FOREIGNKEY")) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable SQLException findSql(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return (SQLException) t;
      }
    }
    return null;
  }

  private static boolean isConnectionProblem(SQLException e) {
    String state = e.getSQLState();
    return state == null
        || state.startsWith("08")
        || state.startsWith("57")
        || state.startsWith("40")
        || String.valueOf(e.getMessage()).contains("SQLITE_BUSY");
  }
}
