package dev.genvault.jdbc;

import dev.genvault.Generation;
import dev.genvault.PersistenceException;
import dev.genvault.spi.RowOutcome;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Update;
import org.jspecify.annotations.Nullable;

/**
 * {@code insertAll} and {@code finishAll}: one commit for a whole batch. The fast path inserts with
 * one multi-row {@code INSERT} in autocommit, and finishes with the UPDATEs as one JDBC batch in
 * one transaction. If the database refuses a row (a duplicate ID, a value it cannot hold), the
 * transaction is rolled back and the batch is written again row by row, each row behind its own
 * savepoint, so the refused row fails alone and the others still commit together. An outage fails
 * every row of the batch, retryably.
 */
final class BatchWrites {
  private static final String SAVEPOINT = "genvault_row";

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final GenerationSql sql;

  BatchWrites(Jdbi jdbi, Dialect dialect, GenerationSql sql) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.sql = sql;
  }

  /** One row's statements on a handle; returns whether the row was applied. */
  private interface RowWrite {
    boolean write(Handle h, Generation g) throws SQLException;
  }

  List<RowOutcome> insertAll(List<Generation> generations) {
    Objects.requireNonNull(generations, "generations");
    RowOutcome[] out = new RowOutcome[generations.size()];
    List<Integer> todo = new ArrayList<>();
    for (int i = 0; i < out.length; i++) {
      Generation g = generations.get(i);
      if (g == null) {
        out[i] = RowOutcome.failed(new NullPointerException("generation"));
      } else if (g.isTerminal()) {
        out[i] =
            RowOutcome.failed(new IllegalArgumentException("insert takes a live generation: " + g));
      } else {
        todo.add(i);
      }
    }
    // In ID order, as every multi-row write here, so that concurrent transactions lock alike.
    todo.sort(java.util.Comparator.comparing(i -> generations.get(i).id()));
    List<Generation> rows = new ArrayList<>(todo.size());
    for (int i : todo) {
      Generation g = generations.get(i);
      rows.add(g.heartbeatAt() != null ? g : g.toBuilder().heartbeatAt(g.createdAt()).build());
    }
    // One multi-row INSERT in autocommit: one statement, one round trip, one atomic commit.
    write(
        rows,
        todo,
        out,
        true,
        h -> {
          Update insert = h.createUpdate(sql.insertRows(rows.size()));
          for (int k = 0; k < rows.size(); k++) {
            sql.bindInsert(insert, rows.get(k), "_" + k);
          }
          insert.execute();
          boolean[] applied = new boolean[rows.size()];
          Arrays.fill(applied, true);
          return applied;
        },
        this::insertRow);
    return Arrays.asList(out);
  }

  /** One row of insertAll. */
  private boolean insertRow(Handle h, Generation g) throws SQLException {
    sql.insert(h, g);
    return true;
  }

  List<RowOutcome> finishAll(List<Generation> terminals) {
    Objects.requireNonNull(terminals, "terminals");
    RowOutcome[] out = new RowOutcome[terminals.size()];
    List<Integer> todo = new ArrayList<>();
    List<Generation> rows = new ArrayList<>();
    for (int i = 0; i < out.length; i++) {
      Generation g = terminals.get(i);
      if (g == null) {
        out[i] = RowOutcome.failed(new NullPointerException("terminal"));
      } else if (!g.isTerminal()) {
        out[i] =
            RowOutcome.failed(
                new IllegalArgumentException("finish takes a terminal generation: " + g));
      } else {
        todo.add(i);
      }
    }
    // In ID order, as every multi-row write here, so that concurrent transactions lock alike;
    // the same row twice stays in the order given (the sort is stable).
    todo.sort(java.util.Comparator.comparing(i -> terminals.get(i).id()));
    for (int i : todo) {
      rows.add(terminals.get(i));
    }
    write(rows, todo, out, false, h -> finishBatch(h, rows), this::finishRow);
    return Arrays.asList(out);
  }

  /** The fast path of finishAll: the UPDATEs as one JDBC batch, then blobs and chunk removal. */
  private boolean[] finishBatch(Handle h, List<Generation> rows) {
    PreparedBatch batch = h.prepareBatch(sql.finish);
    for (Generation g : rows) {
      sql.bindRecord(batch, g);
      batch.add();
    }
    int[] counts = batch.execute();
    for (int count : counts) {
      if (count == Statement.SUCCESS_NO_INFO) {
        throw new NoRowCounts(); // which rows were live is unknown: roll back, go row by row
      }
    }
    boolean[] applied = new boolean[counts.length];
    PreparedBatch dropChunks = null;
    for (int i = 0; i < counts.length; i++) {
      applied[i] = counts[i] == 1;
      Generation g = rows.get(i);
      if (applied[i]) {
        GenerationSql.insertBlobs(h, g);
        if (g.firstTokenAt() != null || !g.blobs().isEmpty()) {
          if (dropChunks == null) {
            dropChunks = h.prepareBatch(GenerationSql.DELETE_CHUNKS);
          }
          dropChunks.bind("id", g.id()).add();
        }
      }
    }
    if (dropChunks != null) {
      dropChunks.execute();
    }
    return applied;
  }

  /** One row of finishAll, as {@code finish} writes it. */
  private boolean finishRow(Handle h, Generation g) throws SQLException {
    if (!sql.finish(h, g)) {
      return false;
    }
    GenerationSql.insertBlobs(h, g);
    if (g.firstTokenAt() != null || !g.blobs().isEmpty()) {
      h.createUpdate(GenerationSql.DELETE_CHUNKS).bind("id", g.id()).execute();
    }
    return true;
  }

  /** Rolls the fast path back when the driver cannot say which rows a batch updated. */
  private static final class NoRowCounts extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoRowCounts() {
      super(null, null, false, false);
    }
  }

  /** The fast path on a handle: which rows were applied. */
  private interface FastPath {
    boolean[] write(Handle h) throws SQLException;
  }

  /**
   * Writes {@code rows} (at {@code positions} of {@code out}) in one transaction: the fast path,
   * then, if the database refused a row, row by row behind savepoints.
   */
  private void write(
      List<Generation> rows,
      List<Integer> positions,
      RowOutcome[] out,
      boolean oneStatement,
      FastPath fast,
      RowWrite one) {
    if (rows.isEmpty()) {
      return;
    }
    boolean @Nullable [] applied;
    try {
      // One statement is atomic on its own: no BEGIN and COMMIT round trips around it.
      applied = oneStatement ? jdbi.withHandle(fast::write) : jdbi.inTransaction(fast::write);
    } catch (NoRowCounts e) {
      applied = null;
    } catch (JdbiException | SQLException e) {
      RuntimeException failure = SqlErrors.translate(e, null, dialect);
      if (isOutage(failure)) {
        fill(out, positions, failure);
        return;
      }
      applied = null;
    }
    if (applied != null) {
      for (int k = 0; k < positions.size(); k++) {
        out[positions.get(k)] = applied[k] ? RowOutcome.applied() : RowOutcome.notApplied();
      }
      return;
    }
    RowOutcome[] each = new RowOutcome[rows.size()];
    try {
      jdbi.useTransaction(
          h -> {
            for (int k = 0; k < rows.size(); k++) {
              Generation g = rows.get(k);
              h.savepoint(SAVEPOINT);
              try {
                each[k] = one.write(h, g) ? RowOutcome.applied() : RowOutcome.notApplied();
                h.releaseSavepoint(SAVEPOINT);
              } catch (JdbiException | SQLException e) {
                h.rollbackToSavepoint(SAVEPOINT);
                each[k] =
                    RowOutcome.failed(
                        SqlErrors.parentGoneOr(g, SqlErrors.translate(e, g.id(), dialect)));
              }
            }
          });
    } catch (JdbiException e) {
      fill(out, positions, SqlErrors.translate(e, null, dialect));
      return;
    }
    for (int k = 0; k < positions.size(); k++) {
      out[positions.get(k)] = each[k];
    }
  }

  private static boolean isOutage(RuntimeException failure) {
    return failure instanceof PersistenceException
        && ((PersistenceException) failure).isRetryable()
        && !SqlErrors.isUniqueViolation(failure);
  }

  private static void fill(RowOutcome[] out, List<Integer> positions, RuntimeException failure) {
    for (int i : positions) {
      out[i] = RowOutcome.failed(failure);
    }
  }
}
