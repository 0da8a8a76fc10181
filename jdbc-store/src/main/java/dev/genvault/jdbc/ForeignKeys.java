package dev.genvault.jdbc;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleListener;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.LoggerFactory;

/**
 * Turns SQLite's foreign keys on for each handle, before any transaction begins (the pragma does
 * nothing inside one): the store relies on them to refuse a continuation whose parent is gone.
 * Installed only on a Jdbi the store made itself.
 */
final class ForeignKeys implements HandleListener {
  static final ForeignKeys SQLITE = new ForeignKeys();

  private ForeignKeys() {}

  @Override
  public void handleCreated(Handle handle) {
    handle.execute("PRAGMA foreign_keys = ON");
  }

  /**
   * Whether the store may keep threads on this database: always, but on SQLite through a {@code
   * Jdbi} of the caller's ({@code madeHere} false) only if its connections check foreign keys,
   * which is logged when they do not.
   */
  static boolean checked(Jdbi jdbi, Dialect dialect, boolean madeHere) {
    if (dialect != Dialect.SQLITE || madeHere) {
      return true;
    }
    Integer on =
        jdbi.withHandle(h -> h.createQuery("PRAGMA foreign_keys").mapTo(Integer.class).one());
    if (on != null && on == 1) {
      return true;
    }
    LoggerFactory.getLogger(JdbcGenerationStore.class)
        .warn(
            "SQLite runs with foreign_keys off on the Jdbi you gave: chat turns are stored whole,"
                + " not as threads; turn foreign keys on for each connection (PRAGMA foreign_keys"
                + " = ON) to keep each conversation once");
    return false;
  }
}
