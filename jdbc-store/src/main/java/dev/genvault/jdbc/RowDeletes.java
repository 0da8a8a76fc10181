package dev.genvault.jdbc;

import dev.genvault.Generation;
import dev.genvault.PersistenceException;
import dev.genvault.internal.RecordJson;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;

/**
 * Deleting generations with their chunks and blob references, inside the caller's transaction,
 * without breaking a thread: each continuation of a deleted generation first takes over its part of
 * the conversation and its parent.
 */
final class RowDeletes {
  private RowDeletes() {}

  /** How many times a deletion that loses races is run in all, at most. */
  static final int MAX_ATTEMPTS = 32;

  /**
   * Runs a deletion again while it loses a race with another one. Two deletions of neighbouring
   * turns each rewrite their children under their own parent, and an erasure deletes a user's
   * newest rows first while a deletion locks a row before its children; the database refuses the
   * loser (a deadlock, the foreign key when a child was moved under the row being deleted after its
   * children were read, or a chain read while it changed), and the loser runs again, reading its
   * rows afresh, after a random pause that grows with each loss (up to 64 ms), so that it does not
   * walk straight into the same race. A refused transaction changed nothing. Up to {@value
   * #MAX_ATTEMPTS} times: under heavy contention a large erasure lost eight races in a row.
   */
  static <T> T retryingRaces(java.util.function.Supplier<T> deletion) {
    for (int attempt = 1; ; attempt++) {
      try {
        return deletion.get();
      } catch (PersistenceException e) {
        if (attempt >= MAX_ATTEMPTS
            || !(SqlErrors.isDeadlock(e)
                || SqlErrors.isForeignKeyViolation(e)
                || e instanceof ThreadRows.Unreadable)) {
          throw e;
        }
        try {
          Thread.sleep(
              java.util.concurrent.ThreadLocalRandom.current()
                  .nextLong(1, (1L << Math.min(attempt, 6)) + 1));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** The deleted generation's place in its thread. */
  private record Place(@Nullable String parentId, int inherited) {}

  /** Deletes one generation; whether it existed. */
  static boolean delete(Handle h, String id, SqlDialect dialect) {
    Optional<Place> place =
        h.createQuery(
                "SELECT parent_id, inherited_messages FROM generations WHERE id = :id"
                    + dialect.forUpdate())
            .bind("id", id)
            .map((rs, ctx) -> new Place(rs.getString("parent_id"), rs.getInt("inherited_messages")))
            .findOne();
    if (place.isPresent()) {
      for (String child : children(h, "parent_id = :id", id, dialect)) {
        // The child inherits from the deleted one's parent as many messages as the deleted one
        // did, or is written whole when it had no parent; its thread ID does not change.
        rewrite(h, dialect, child, place.get().parentId(), place.get().inherited());
      }
    }
    h.createUpdate(GenerationSql.DELETE_CHUNKS).bind("id", id).execute();
    h.createUpdate("DELETE FROM generation_blobs WHERE generation_id = :id")
        .bind("id", id)
        .execute();
    return h.createUpdate("DELETE FROM generations WHERE id = :id").bind("id", id).execute() > 0;
  }

  /**
   * Deletes up to {@code limit} of a user's newest generations, in the caller's transaction; how
   * many. Newest first, so a batch takes children before their parents; a continuation of one of
   * them that the batch does not take (another user's, written by hand, or a turn added meanwhile)
   * is written whole first. What is left is whole threads, so an erasure that stops between batches
   * leaves every remaining generation readable.
   */
  static int deleteNewestOfUser(Handle h, String userId, SqlDialect dialect, int limit) {
    List<String> ids =
        h.createQuery(
                "SELECT id FROM generations WHERE user_id = :userId"
                    + " ORDER BY created_at DESC, id DESC LIMIT "
                    + limit
                    + dialect.forUpdate())
            .bind("userId", userId)
            .mapTo(String.class)
            .list();
    if (ids.isEmpty()) {
      return 0;
    }
    List<String> outside =
        h.createQuery(
                "SELECT id FROM generations WHERE parent_id IN (<ids>) AND id NOT IN (<ids>)"
                    + " ORDER BY id"
                    + dialect.forUpdate())
            .bindList("ids", ids)
            .mapTo(String.class)
            .list();
    for (String child : outside) {
      rewrite(h, dialect, child, null, 0);
    }
    // Unlinked first: some databases (H2) check a foreign key row by row within one DELETE.
    h.createUpdate(
            "UPDATE generations SET parent_id = NULL WHERE id IN (<ids>) AND parent_id IS NOT NULL")
        .bindList("ids", ids)
        .execute();
    h.createUpdate("DELETE FROM generation_chunks WHERE generation_id IN (<ids>)")
        .bindList("ids", ids)
        .execute();
    h.createUpdate("DELETE FROM generation_blobs WHERE generation_id IN (<ids>)")
        .bindList("ids", ids)
        .execute();
    return h.createUpdate("DELETE FROM generations WHERE id IN (<ids>)")
        .bindList("ids", ids)
        .execute();
  }

  private static List<String> children(Handle h, String where, String id, SqlDialect dialect) {
    return h.createQuery(
            "SELECT id FROM generations WHERE " + where + " ORDER BY id" + dialect.forUpdate())
        .bind("id", id)
        .mapTo(String.class)
        .list();
  }

  /**
   * Writes a continuation again under another parent: its request read whole, then stored after the
   * new parent's {@code inherited} messages, or whole when there is no parent.
   */
  private static void rewrite(
      Handle h, SqlDialect dialect, String id, @Nullable String parentId, int inherited) {
    List<Generation> found =
        Attachments.complete(
            h,
            h.createQuery(GenerationSql.FIND).bind("id", id).map(GenerationMapper.INSTANCE).list(),
            dialect);
    if (found.isEmpty()) {
      return; // deleted meanwhile: nothing left to rewrite
    }
    Generation whole = found.get(0);
    int keep = parentId == null ? 0 : inherited;
    h.createUpdate(
            "UPDATE generations SET request = "
                + dialect.json(":request")
                + ", parent_id = :parentId, inherited_messages = :inherited WHERE id = :id")
        .bind("request", RecordJson.storedRequest(whole.request(), keep, ThreadRows.IN_COLUMNS))
        .bind("parentId", parentId)
        .bind("inherited", parentId == null ? null : inherited)
        .bind("id", id)
        .execute();
  }
}
