package dev.genvault.jdbc;

import org.jdbi.v3.core.Handle;

/** Deleting generations with their chunks and blob references, inside the caller's transaction. */
final class RowDeletes {
  private RowDeletes() {}

  /** Deletes one generation; whether it existed. */
  static boolean delete(Handle h, String id) {
    h.createUpdate(GenerationSql.DELETE_CHUNKS).bind("id", id).execute();
    h.createUpdate("DELETE FROM generation_blobs WHERE generation_id = :id")
        .bind("id", id)
        .execute();
    return h.createUpdate("DELETE FROM generations WHERE id = :id").bind("id", id).execute() > 0;
  }

  /** Deletes every generation of a user; how many there were. */
  static int deleteByUser(Handle h, String userId) {
    String ofUser = " IN (SELECT id FROM generations WHERE user_id = :userId)";
    h.createUpdate("DELETE FROM generation_chunks WHERE generation_id" + ofUser)
        .bind("userId", userId)
        .execute();
    h.createUpdate("DELETE FROM generation_blobs WHERE generation_id" + ofUser)
        .bind("userId", userId)
        .execute();
    return h.createUpdate("DELETE FROM generations WHERE user_id = :userId")
        .bind("userId", userId)
        .execute();
  }
}
