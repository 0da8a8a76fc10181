package dev.genvault.jdbc;

import dev.genvault.Generation;
import dev.genvault.Message;
import dev.genvault.PersistenceException;
import dev.genvault.RequestField;
import dev.genvault.ThreadLink;
import dev.genvault.internal.RecordJson;
import dev.genvault.spi.ThreadTip;
import dev.genvault.spi.Threads;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jspecify.annotations.Nullable;

/**
 * Chat threads in the tables: a continuation's row holds only the messages after its parent's
 * conversation and answer, with {@code parent_id} and {@code inherited_messages}; reading it walks
 * its ancestors with one recursive query (not one query per ancestor) and puts the request back
 * together. A continuation's row also names its thread ({@code thread_id}: the generation that
 * began it, which stays the thread's ID if that generation is deleted), written once and never
 * changed, so that the generator finds a parent and its thread with one indexed query.
 */
final class ThreadRows {
  /**
   * The generations of thread {@code :threadId}, as a {@code WITH} clause naming {@code thread}:
   * the generation that began it, or the turns that lost their parent when it was deleted (through
   * a small index of those alone), and everything below them through the parent index.
   */
  static final String THREAD =
      "WITH RECURSIVE thread(id) AS (SELECT id FROM generations WHERE parent_id IS NULL AND"
          + " ((id = :threadId AND thread_id IS NULL) OR thread_id = :threadId) UNION ALL SELECT"
          + " c.id FROM generations c JOIN thread t ON c.parent_id = t.id)";

  /** A condition on {@code g0}: no generation continues it (the last turn of its branch). */
  static final String NO_CONTINUATION =
      "NOT EXISTS (SELECT 1 FROM generations c WHERE c.parent_id = g0.id)";

  /**
   * The ancestors of {@code :id} and that row itself: one path up, read as the walk goes (no second
   * pass over the rows), with a bound on its length against a cycle written by hand.
   */
  static String pathUp(SqlDialect dialect) {
    return "WITH RECURSIVE chain(id, parent_id, inherited_messages, request, text, depth) AS"
        + " (SELECT id, parent_id, inherited_messages, request, text, 0 FROM generations WHERE id"
        + " = :id UNION ALL SELECT g.id, g.parent_id, g.inherited_messages, g.request, g.text,"
        + " c.depth + 1 FROM "
        + dialect.parentStep("id, parent_id, inherited_messages, request, text")
        + " WHERE c.depth < 1000000) SELECT id, parent_id, inherited_messages, request, text FROM"
        + " chain";
  }

  /** The ancestors of {@code <ids>} and those rows themselves, each once. */
  private static String ancestors(SqlDialect dialect) {
    return "WITH RECURSIVE chain(id, parent_id) AS (SELECT id, parent_id FROM generations WHERE id"
        + " IN (<ids>) UNION SELECT g.id, g.parent_id FROM "
        + dialect.parentStep("id, parent_id")
        + ") SELECT g.id, g.parent_id, g.inherited_messages, g.request, g.text FROM chain c JOIN"
        + " generations g ON g.id = c.id";
  }

  /** What a {@link ThreadTip} holds, from one row. */
  private static final String TIP_VALUES =
      "id, user_id, tenant_id, thread_hash, thread_hash_bytes, COALESCE(thread_id, id) AS thread";

  private static final String TIP_COLUMNS = "SELECT " + TIP_VALUES + " FROM generations";

  private ThreadRows() {}

  /**
   * The request fields that have columns of their own ({@code kind}, {@code model}, {@code
   * user_id}, {@code tenant_id}, {@code metadata}): the request column leaves them out, once per
   * row version saved, and reads take them from their columns.
   */
  static final Set<RequestField> IN_COLUMNS =
      EnumSet.of(
          RequestField.KIND,
          RequestField.MODEL,
          RequestField.USER_ID,
          RequestField.TENANT_ID,
          RequestField.METADATA);

  /**
   * The request column of a row: without the fields kept in columns, and for a continuation only
   * the messages after its parent's.
   */
  static String storedRequest(Generation g) {
    return RecordJson.storedRequest(g.request(), g.inheritedMessages(), IN_COLUMNS);
  }

  /** One ancestor as the walk reads it. */
  private record Ancestor(
      @Nullable String parentId, int inherited, String requestJson, String text) {}

  /**
   * The rows as records, each request whole: continuations get their parents' conversation back
   * from one query over all their ancestors.
   *
   * @throws PersistenceException if an ancestor is missing or the messages do not add up (the
   *     tables were changed by hand); never a silently different request
   */
  static List<Generation.Builder> requests(Handle h, List<StoredRow> rows, SqlDialect dialect) {
    Set<String> parents = new LinkedHashSet<>();
    for (StoredRow r : rows) {
      if (r.parentId() != null) {
        parents.add(r.parentId());
      }
    }
    Map<String, Ancestor> chain = parents.isEmpty() ? Map.of() : ancestors(h, parents, dialect);
    Map<String, List<Message>> conversations = new HashMap<>();
    List<Generation.Builder> result = new ArrayList<>(rows.size());
    for (StoredRow r : rows) {
      if (r.parentId() == null) {
        r.builder()
            .request(RecordJson.request(r.requestJson(), List.of(), r.columns()))
            .link(r.threadId() == null ? null : new ThreadLink(null, r.threadId(), 0));
      } else {
        List<Message> inherited = passedOn(r.parentId(), chain, conversations, r.id());
        if (inherited.size() != r.inheritedMessages()) {
          throw broken(
              r.id(),
              "its parents pass on "
                  + inherited.size()
                  + " messages, not "
                  + r.inheritedMessages());
        }
        r.builder()
            .request(RecordJson.request(r.requestJson(), inherited, r.columns()))
            .link(
                new ThreadLink(
                    r.parentId(),
                    r.threadId() != null ? r.threadId() : top(r.parentId(), chain),
                    r.inheritedMessages()));
      }
      result.add(r.builder());
    }
    return result;
  }

  private static Map<String, Ancestor> ancestors(Handle h, Set<String> ids, SqlDialect dialect) {
    Map<String, Ancestor> chain = new HashMap<>();
    Query q =
        ids.size() == 1
            ? h.createQuery(pathUp(dialect)).bind("id", ids.iterator().next())
            : h.createQuery(ancestors(dialect)).bindList("ids", List.copyOf(ids));
    planEachTime(q, dialect)
        .map(
            (rs, ctx) ->
                Map.entry(
                    rs.getString("id"),
                    new Ancestor(
                        rs.getString("parent_id"),
                        rs.getInt("inherited_messages"),
                        rs.getString("request"),
                        rs.getString("text"))))
        .forEach(e -> chain.put(e.getKey(), e.getValue()));
    return chain;
  }

  /**
   * What generation {@code id} passes on: its whole conversation, then its answer. Built from the
   * thread's top down; each ancestor's stored JSON is read once per call.
   */
  private static List<Message> passedOn(
      String id, Map<String, Ancestor> chain, Map<String, List<Message>> done, String reader) {
    List<String> path = new ArrayList<>();
    String at = id;
    while (at != null && !done.containsKey(at)) {
      path.add(at);
      Ancestor a = chain.get(at);
      if (a == null || path.size() > chain.size()) {
        throw broken(reader, "its ancestor " + at + " is missing");
      }
      at = a.parentId();
    }
    List<Message> messages = at == null ? List.of() : done.get(at);
    for (int i = path.size() - 1; i >= 0; i--) {
      Ancestor a = chain.get(path.get(i));
      if (a.parentId() != null && messages.size() != a.inherited()) {
        throw broken(reader, "its ancestor " + path.get(i) + " does not add up");
      }
      List<Message> next = new ArrayList<>(messages);
      next.addAll(RecordJson.conversation(a.requestJson()));
      next.add(Message.assistant(a.text()));
      messages = List.copyOf(next);
      done.put(path.get(i), messages);
    }
    return messages;
  }

  private static String top(String id, Map<String, Ancestor> chain) {
    String at = id;
    for (Ancestor a = chain.get(at); a != null && a.parentId() != null; a = chain.get(at)) {
      at = a.parentId();
    }
    return at;
  }

  private static PersistenceException broken(String id, String why) {
    return new Unreadable("generation " + id + " cannot be read whole: " + why, id);
  }

  /**
   * A continuation whose chain did not add up when read: a deletion between the read of the row and
   * the walk up its ancestors (each statement sees the database as it is then), which a second read
   * does not meet; or, if it persists, tables changed by hand.
   */
  static final class Unreadable extends PersistenceException {
    private static final long serialVersionUID = 1L;

    Unreadable(String message, String id) {
      super(message, id, false, null);
    }
  }

  /** Runs a read again, up to 3 times, while a deletion racing it leaves a chain unreadable. */
  static <T> T reading(java.util.function.Supplier<T> read) {
    for (int attempt = 1; ; attempt++) {
      try {
        return read.get();
      } catch (Unreadable e) {
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  /** The query, planned for its values each time it runs (see {@link SqlDialect#planEachTime}). */
  static Query planEachTime(Query q, SqlDialect dialect) {
    return q.addCustomizer(
        new StatementCustomizer() {
          @Override
          public void beforeExecution(PreparedStatement statement, StatementContext ctx)
              throws SQLException {
            dialect.planEachTime(statement);
          }
        });
  }

  /**
   * The query of {@link #findByPrefix}: the candidates by key, bytes and hex text each through
   * their own index, the earliest prefix's first, then the newest.
   */
  static GenerationSql.Bound byPrefix(List<Threads.Prefix> prefixes) {
    List<String> keys = new ArrayList<>(prefixes.size());
    List<String> hashes = new ArrayList<>(prefixes.size());
    List<byte[]> keyBytes = new ArrayList<>(prefixes.size());
    List<byte[]> hashBytes = new ArrayList<>(prefixes.size());
    for (Threads.Prefix p : prefixes) {
      keys.add(p.key());
      hashes.add(p.hash());
      keyBytes.add(bytesOrNothing(p.key()));
      hashBytes.add(bytesOrNothing(p.hash()));
    }
    String hashMatches = " AND (thread_hash_bytes IN (<hashBytes>) OR thread_hash IN (<hashes>))";
    StringBuilder sql =
        new StringBuilder("SELECT * FROM (SELECT ")
            .append(TIP_VALUES)
            .append(", created_at FROM generations WHERE thread_key_bytes IN (<keyBytes>)")
            .append(hashMatches)
            .append(" UNION ALL SELECT ")
            .append(TIP_VALUES)
            .append(", created_at FROM generations WHERE thread_key IN (<keys>)")
            .append(hashMatches)
            .append(") c ORDER BY CASE");
    for (int i = 0; i < hashes.size(); i++) {
      sql.append(" WHEN thread_hash_bytes = :hb")
          .append(i)
          .append(" OR thread_hash = :h")
          .append(i)
          .append(" THEN ")
          .append(i);
    }
    sql.append(" END, created_at DESC, id DESC LIMIT 16");
    return new GenerationSql.Bound(
        sql.toString(),
        s -> {
          s.bindList("keys", keys)
              .bindList("hashes", hashes)
              .bindList("keyBytes", keyBytes)
              .bindList("hashBytes", hashBytes);
          for (int i = 0; i < hashes.size(); i++) {
            s.bind("h" + i, hashes.get(i)).bind("hb" + i, hashBytes.get(i));
          }
        });
  }

  /** A hash's bytes, or none (which no stored hash is) if it is not lowercase hex. */
  private static byte[] bytesOrNothing(String hash) {
    byte[] bytes = HashColumns.bytes(hash);
    return bytes == null ? new byte[0] : bytes;
  }

  /** The row to write when its parent was deleted meanwhile: whole, in the same thread. */
  static Generation withoutParent(Generation g) {
    ThreadLink link = g.link();
    return link == null || link.parentId() == null
        ? g
        : g.toBuilder().link(link.withoutParent()).build();
  }

  /** A generation's thread facts, or empty if there is no such generation. */
  static Optional<ThreadTip> tip(Handle h, String id) {
    return h.createQuery(TIP_COLUMNS + " WHERE id = :id")
        .bind("id", id)
        .map(ThreadRows::tip)
        .findOne();
  }

  private static ThreadTip tip(ResultSet rs, StatementContext ctx) throws SQLException {
    return new ThreadTip(
        rs.getString("id"),
        rs.getString("thread"),
        rs.getString("user_id"),
        rs.getString("tenant_id"),
        HashColumns.read(rs, "thread_hash"));
  }

  /**
   * The generation whose thread hash is the earliest prefix's (then the newest) among those of
   * exactly this user and tenant, with its thread: one query. Candidates are found by thread key
   * (indexed, written with the pending row and never changed, so the final update changes no
   * indexed column), then kept if their thread hash (not indexed) is the prefix's. It names the
   * keys and hashes alone, so that the thread-key index is the only one that fits (with the user or
   * tenant in it, a planner with stale statistics took the tenant's history index and read every
   * row of the tenant); a thread hash covers the user and tenant already, which are checked again
   * here. Rows finished before schema 5 have no thread key and are not found this way. Keys and
   * hashes are found as bytes (schema 7) and as the hex text of rows written before (each through
   * its own index, as two queries in one), so a conversation carries on across the upgrade.
   */
  static Optional<ThreadTip> findByPrefix(
      Handle h,
      SqlDialect dialect,
      @Nullable String userId,
      @Nullable String tenantId,
      List<Threads.Prefix> prefixes) {
    Query q = planEachTime(byPrefix(prefixes).query(h), dialect);
    for (ThreadTip tip : q.map(ThreadRows::tip).list()) {
      if (Objects.equals(tip.userId(), userId) && Objects.equals(tip.tenantId(), tenantId)) {
        return Optional.of(tip);
      }
    }
    return Optional.empty();
  }
}
