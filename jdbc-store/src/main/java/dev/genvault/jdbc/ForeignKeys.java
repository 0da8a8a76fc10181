package dev.genvault.jdbc;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleListener;

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
}
