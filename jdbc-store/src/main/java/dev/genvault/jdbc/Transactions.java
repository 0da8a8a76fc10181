package dev.genvault.jdbc;

import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;

/**
 * Runs the store's work on a handle borrowed for just that long, and translates what fails through
 * {@link SqlErrors}: several statements in one transaction, or one in autocommit (no COMMIT round
 * trip).
 */
final class Transactions {

  /** Work on a handle. */
  interface Work<T> {
    T run(Handle h) throws SQLException;
  }

  private final Jdbi jdbi;
  private final Dialect dialect;

  Transactions(Jdbi jdbi, Dialect dialect) {
    this.jdbi = jdbi;
    this.dialect = dialect;
  }

  /**
   * Statements in one transaction; {@code id}, if any, is the generation whose duplicate a unique
   * violation means.
   */
  <T> T inTransaction(@Nullable String id, Work<T> work) {
    try {
      return jdbi.inTransaction(work::run);
    } catch (JdbiException | SQLException e) {
      throw SqlErrors.translate(e, id, dialect);
    }
  }

  /** One statement, or reads, in autocommit. */
  <T> T autocommit(@Nullable String id, Work<T> work) {
    try {
      return jdbi.withHandle(work::run);
    } catch (JdbiException | SQLException e) {
      throw SqlErrors.translate(e, id, dialect);
    }
  }
}
