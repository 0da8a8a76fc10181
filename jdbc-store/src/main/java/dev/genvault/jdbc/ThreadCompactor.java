package dev.genvault.jdbc;

import static dev.genvault.jdbc.ColumnTypes.TIME;

import dev.genvault.Generation;
import dev.genvault.ThreadLink;
import dev.genvault.spi.PageCursor;
import dev.genvault.spi.ThreadTip;
import dev.genvault.spi.Threads;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.Update;
import org.jspecify.annotations.Nullable;

/**
 * Converts chat turns stored whole into threads: the explicit, resumable command for rows written
 * before schema 3 (or while threads were off). Nothing is rewritten unless you run it.
 *
 * <pre>{@code
 * ThreadCompactor compactor = ThreadCompactor.of(store);
 * String cursor = null;                       // or the cursor saved by an earlier, stopped run
 * do {
 *   ThreadCompactor.Step step = compactor.step(cursor, 500);
 *   cursor = step.cursor();                   // save it to resume after a stop
 * } while (cursor != null);
 * }</pre>
 *
 * <p>Text generations are taken oldest first. Each gets its thread key, and a complete one its
 * thread hash, so that later turns find it (rows written before schema 5 have no key), and one
 * stored whole whose messages begin with an earlier generation's conversation and answer, of the
 * same user and tenant, is rewritten as a continuation of it: its request column then holds only
 * what follows. Each row is one transaction; a row that reads back differently once rewritten is
 * left as it was. Reads return every request whole before, during and after a run. Thread safe;
 * runs beside the generator.
 */
public final class ThreadCompactor {
  private static final String NEXT =
      "SELECT id, created_at FROM generations WHERE kind = 'text' AND ((parent_id IS NULL AND"
          + " thread_id IS NULL) OR (thread_key IS NULL AND thread_key_bytes IS NULL)) AND"
          + " created_at >= :at AND (created_at > :at OR (created_at = :at AND id > :id))"
          // The first condition is the history index's bound: each step starts reading there.
          + " ORDER BY created_at, id LIMIT :limit";

  private final JdbcGenerationStore store;

  private ThreadCompactor(JdbcGenerationStore store) {
    this.store = store;
  }

  /**
   * A compactor of the store's tables.
   *
   * @throws IllegalStateException if the store keeps no threads (a SQLite {@code Jdbi} of yours
   *     whose connections do not check foreign keys)
   */
  public static ThreadCompactor of(JdbcGenerationStore store) {
    if (!store.keepsThreads()) {
      throw new IllegalStateException(
          "this store keeps no threads (SQLite foreign keys are off on its connections): turn"
              + " them on (PRAGMA foreign_keys = ON) before compacting");
    }
    return new ThreadCompactor(store);
  }

  /**
   * What one {@link #step} did.
   *
   * @param examined text generations looked at
   * @param hashed ones given a thread key or a thread hash they lacked
   * @param linked ones rewritten as continuations
   * @param cursor where the next step starts; null when every generation has been looked at
   */
  public record Step(int examined, int hashed, int linked, @Nullable String cursor) {}

  /**
   * Looks at up to {@code batchSize} text generations after {@code cursor} (null: from the oldest).
   *
   * @throws IllegalArgumentException if the batch size is not 1 to 10,000 or the cursor malformed
   */
  public Step step(@Nullable String cursor, int batchSize) {
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException("batchSize must be 1 to 10,000: " + batchSize);
    }
    PageCursor after =
        cursor == null ? new PageCursor(java.time.Instant.EPOCH, "") : PageCursor.decode(cursor);
    List<PageCursor> batch =
        store
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery(NEXT)
                        .bindByType("at", after.createdAt(), TIME)
                        .bind("id", after.id())
                        .bind("limit", batchSize)
                        .map(
                            (rs, ctx) ->
                                new PageCursor(
                                    Objects.requireNonNull(
                                        ColumnTypes.mapper(ctx, TIME).map(rs, "created_at", ctx)),
                                    rs.getString("id")))
                        .list());
    int hashed = 0;
    int linked = 0;
    for (PageCursor row : batch) {
      try {
        int done = store.jdbi().inTransaction(h -> compact(h, row.id()));
        hashed += done & 1;
        linked += done >> 1;
      } catch (ReadsBackOtherwise e) {
        // rolled back: the row stays whole
      }
    }
    String next = batch.size() < batchSize ? null : batch.get(batch.size() - 1).encode();
    return new Step(batch.size(), hashed, linked, next);
  }

  /** What a row held when it was locked. */
  private record Locked(@Nullable String hash, @Nullable String key, boolean whole) {}

  /** One row: bit 0 set if it was given a hash or key, bit 1 if it was linked. */
  private int compact(Handle h, String id) {
    SqlDialect dialect = store.dialect().sql();
    List<Locked> locked =
        h.createQuery(
                "SELECT thread_hash, thread_hash_bytes, thread_key, thread_key_bytes, parent_id,"
                    + " thread_id FROM generations"
                    + " WHERE id = :id"
                    + dialect.forUpdate())
            .bind("id", id)
            .map(
                (rs, ctx) ->
                    new Locked(
                        HashColumns.read(rs, "thread_hash"),
                        HashColumns.read(rs, "thread_key"),
                        rs.getString("parent_id") == null && rs.getString("thread_id") == null))
            .list();
    if (locked.isEmpty()) {
      return 0;
    }
    Locked stored = locked.get(0);
    Generation whole = read(h, id, dialect).orElse(null);
    if (whole == null) {
      return 0;
    }
    String hash = Threads.hashOf(whole);
    String key = Threads.keyOf(whole.request());
    List<Threads.Prefix> prefixes = Threads.prefixesOf(whole.request());
    Optional<ThreadTip> parent =
        !stored.whole() || whole.link() != null || prefixes.isEmpty()
            ? Optional.empty()
            : ThreadRows.findByPrefix(h, dialect, whole.userId(), whole.tenantId(), prefixes)
                .filter(t -> !t.id().equals(id));
    if (parent.isEmpty()) {
      if (Objects.equals(hash, stored.hash()) && Objects.equals(key, stored.key())) {
        return 0;
      }
      Update update = h.createUpdate("UPDATE generations SET " + HASHES + " WHERE id = :id");
      bindHashes(update, hash, key);
      update.bind("id", id).execute();
      return 1;
    }
    ThreadTip tip = parent.get();
    int inherited = 0;
    for (Threads.Prefix p : prefixes) {
      if (p.hash().equals(tip.threadHash())) {
        inherited = p.messages();
        break;
      }
    }
    Generation continuation =
        whole.toBuilder().link(new ThreadLink(tip.id(), tip.threadId(), inherited)).build();
    Update relink =
        h.createUpdate(
            "UPDATE generations SET request = "
                + dialect.json(":request")
                + ", parent_id = :parentId, inherited_messages = :inherited, thread_id ="
                + " :threadId, "
                + HASHES
                + " WHERE id = :id");
    bindHashes(relink, hash, key);
    relink
        .bind("request", ThreadRows.storedRequest(continuation))
        .bind("parentId", tip.id())
        .bind("inherited", inherited)
        .bind("threadId", tip.threadId())
        .bind("id", id)
        .execute();
    // Read back inside the transaction: anything but the very same request rolls the row back.
    Generation reread = read(h, id, dialect).orElse(null);
    if (reread == null || !reread.request().equals(whole.request())) {
      throw new ReadsBackOtherwise();
    }
    boolean gained =
        !Objects.equals(key, stored.key()) || (hash != null && !hash.equals(stored.hash()));
    return (gained ? 1 : 0) | 2;
  }

  /** The thread hash and key columns, each as bytes or text (see {@link HashColumns}). */
  private static final String HASHES =
      "thread_hash = :hash, thread_hash_bytes = :hashBytes, thread_key = :key,"
          + " thread_key_bytes = :keyBytes";

  private static void bindHashes(SqlStatement<?> s, @Nullable String hash, @Nullable String key) {
    RecordParams<RuntimeException> p = RecordParams.named(s, "");
    HashColumns.bind(p, "hash", hash);
    HashColumns.bind(p, "key", key);
  }

  /** Rolls a row's transaction back. */
  private static final class ReadsBackOtherwise extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReadsBackOtherwise() {
      super(null, null, false, false);
    }
  }

  private static Optional<Generation> read(Handle h, String id, SqlDialect dialect) {
    List<StoredRow> rows =
        h.createQuery(GenerationSql.FIND).bind("id", id).map(GenerationMapper.INSTANCE).list();
    return rows.isEmpty()
        ? Optional.empty()
        : Optional.of(Attachments.complete(h, rows, dialect).get(0));
  }
}
