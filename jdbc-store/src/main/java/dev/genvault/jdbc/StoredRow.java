package dev.genvault.jdbc;

import dev.genvault.Generation;
import dev.genvault.RequestField;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@code generations} row as read, before its request is whole: every field of the record but the
 * request, the request column's JSON (a continuation's holds only the messages after its parent's),
 * the parent, how many messages come from it, the thread, the request fields kept in columns of
 * their own, and how many files it has (null for rows written before schema 5: unknown).
 */
record StoredRow(
    Generation.Builder builder,
    String id,
    String requestJson,
    @Nullable String parentId,
    int inheritedMessages,
    @Nullable String threadId,
    Map<RequestField, Object> columns,
    @Nullable Integer blobCount) {}
