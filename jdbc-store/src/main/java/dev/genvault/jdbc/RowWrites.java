package dev.genvault.jdbc;

import dev.genvault.Generation;
import dev.genvault.MissingParentException;
import dev.genvault.PersistenceException;
import dev.genvault.spi.Chunk;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The store's single-row writes ({@code insert}, {@code insertTerminal}, {@code finish}) and its
 * checkpoint writes ({@code appendChunks}, {@code heartbeat}), each one statement in autocommit
 * where it can be, else one transaction. {@link BatchWrites} writes many rows at once, {@link
 * RowDeletes} deletes.
 */
final class RowWrites {
  private final Transactions tx;
  private final Dialect dialect;
  private final GenerationSql sql;
  private final boolean keepsThreads;

  RowWrites(Transactions tx, Dialect dialect, GenerationSql sql, boolean keepsThreads) {
    this.tx = tx;
    this.dialect = dialect;
    this.sql = sql;
    this.keepsThreads = keepsThreads;
  }

  void insert(Generation g) {
    Objects.requireNonNull(g, "generation");
    if (g.isTerminal()) {
      throw new IllegalArgumentException("insert takes a live generation: " + g);
    }
    Generation row =
        kept(g).toBuilder()
            .heartbeatAt(g.heartbeatAt() != null ? g.heartbeatAt() : g.createdAt())
            .build();
    // One statement: autocommit, one round trip.
    parentMustExist(
        row,
        () ->
            tx.autocommit(
                g.id(),
                h -> {
                  sql.insert(h, row);
                  return null;
                }));
  }

  /** The row as this store keeps it: without a parent where it keeps no threads. */
  private Generation kept(Generation g) {
    return keepsThreads ? g : ThreadRows.withoutParent(g);
  }

  /**
   * Runs a write of {@code row}; a continuation whose parent does not exist (the foreign key
   * refuses it: deleted after it was found) is a {@link MissingParentException}.
   */
  private static void parentMustExist(Generation row, Runnable write) {
    try {
      write.run();
    } catch (PersistenceException e) {
      throw SqlErrors.parentGoneOr(row, e);
    }
  }

  void insertTerminal(Generation g) {
    Objects.requireNonNull(g, "generation");
    if (!g.isTerminal()) {
      throw new IllegalArgumentException("insertTerminal takes a terminal generation: " + g);
    }
    Generation row = kept(g).toBuilder().heartbeatAt(null).build();
    parentMustExist(
        row,
        () ->
            tx.inTransaction(
                g.id(),
                h -> {
                  sql.insert(h, row);
                  GenerationSql.insertBlobs(h, row);
                  return null;
                }));
  }

  void appendChunks(List<Chunk> chunks, Instant at) {
    Objects.requireNonNull(at, "at");
    if (chunks.isEmpty()) {
      return;
    }
    int attempts = dialect.sql().chunkAttempts();
    for (int attempt = 1; ; attempt++) {
      try {
        tx.inTransaction(
            null,
            h -> {
              sql.appendChunks(h, chunks, at);
              return null;
            });
        return;
      } catch (PersistenceException e) {
        // Where the insert cannot ignore a duplicate by itself (H2), a concurrent writer may have
        // inserted the same chunk first; the retry skips it, which is what an idempotent append
        // means.
        if (!SqlErrors.isUniqueViolation(e)) {
          throw e;
        }
        if (attempt >= attempts) {
          throw new PersistenceException(
              "chunks kept colliding with a concurrent writer", null, true, e);
        }
      }
    }
  }

  void heartbeat(Collection<String> ids, Instant at) {
    Objects.requireNonNull(at, "at");
    if (ids.isEmpty()) {
      return;
    }
    tx.inTransaction(
        null,
        h -> {
          sql.heartbeat(h, ids, at);
          return null;
        });
  }

  boolean finish(Generation terminal) {
    Objects.requireNonNull(terminal, "terminal");
    if (!terminal.isTerminal()) {
      throw new IllegalArgumentException("finish takes a terminal generation: " + terminal);
    }
    if (terminal.firstTokenAt() == null && terminal.blobs().isEmpty()) {
      // No text ever streamed, so there are no chunks to drop: one plain UPDATE.
      return tx.autocommit(terminal.id(), h -> sql.finish(h, terminal));
    }
    if (sql.finishAndDropChunks != null && terminal.blobs().isEmpty()) {
      return tx.autocommit(terminal.id(), h -> sql.finishAndDropChunks(h, terminal));
    }
    return tx.inTransaction(
        terminal.id(),
        h -> {
          if (!sql.finish(h, terminal)) {
            return false;
          }
          GenerationSql.insertBlobs(h, terminal);
          h.createUpdate(GenerationSql.DELETE_CHUNKS).bind("id", terminal.id()).execute();
          return true;
        });
  }
}
