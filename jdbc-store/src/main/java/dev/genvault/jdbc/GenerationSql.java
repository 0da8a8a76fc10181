package dev.genvault.jdbc;

import static dev.genvault.jdbc.ColumnTypes.TIME;

import dev.genvault.BlobRef;
import dev.genvault.Cost;
import dev.genvault.Generation;
import dev.genvault.GenerationQuery;
import dev.genvault.Usage;
import dev.genvault.internal.RecordJson;
import dev.genvault.spi.Chunk;
import dev.genvault.spi.Threads;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/**
 * The statements the store runs on one dialect, and how a record binds to them. Package-private so
 * that tests can check the very SQL the store runs (for example its query plans).
 */
final class GenerationSql {
  static final String LIVE = "('pending', 'streaming')";

  static final String COLUMNS =
      "id, kind, user_id, tenant_id, model, provider, provider_model, provider_response_id,"
          + " request, metadata, text, finish_reason, tool_calls, attributes, usage, input_tokens,"
          + " output_tokens, cost_usd,"
          + " cost_table, saved_cost_usd, status, error_type, error_message, cached_from,"
          + " fingerprint, created_at, first_token_at, completed_at, updated_at, heartbeat_at,"
          + " parent_id, inherited_messages, thread_hash, thread_id, thread_key, blob_count,"
          + " fingerprint_bytes, thread_hash_bytes, thread_key_bytes";

  static final String FIND = "SELECT " + COLUMNS + " FROM generations WHERE id = :id";

  /**
   * Where the dialect {@linkplain SqlDialect#keepsLeases() keeps leases}: a live generation's lease
   * row, written with its pending row and deleted by its final update. The sweeper reads the
   * leases, so no index on {@code generations} depends on a column that the final update changes:
   * on PostgreSQL that update can then be a HOT update (no new index entries).
   */
  private static final String LEASE_INSERT =
      "lease AS (INSERT INTO generation_leases (id, heartbeat_at) VALUES ";

  static final String LEASE_DELETE = "lease AS (DELETE FROM generation_leases WHERE id = :id)";

  /** Leases whose generation has ended or gone by a path that did not delete them. */
  static final String DROP_ENDED_LEASES =
      "DELETE FROM generation_leases l WHERE NOT EXISTS (SELECT 1 FROM generations g"
          + " WHERE g.id = l.id AND g.status IN "
          + LIVE
          + ")";

  static final String INSERT_BLOB =
      "INSERT INTO generation_blobs (generation_id, n, blob_key, url, content_type, size_bytes,"
          + " sha256) VALUES (:id, :n, :key, :url, :contentType, :size, :sha256)";

  static final String CHUNKS =
      "SELECT generation_id, seq, text, created_at FROM generation_chunks"
          + " WHERE generation_id = :id AND seq > :after ORDER BY seq";

  static final String BLOBS_OF =
      "SELECT generation_id, blob_key, url, content_type, size_bytes, sha256 FROM generation_blobs"
          + " WHERE generation_id IN (<ids>) ORDER BY generation_id, n";

  static final String CHUNK_TEXT_OF =
      "SELECT generation_id, text FROM generation_chunks WHERE generation_id IN (<ids>)"
          + " ORDER BY generation_id, seq";

  static final String DELETE_CHUNKS = "DELETE FROM generation_chunks WHERE generation_id = :id";

  /** A statement and its parameters. */
  record Bound(String sql, Consumer<SqlStatement<?>> binds) {
    Query query(Handle h) {
      Query q = h.createQuery(sql);
      binds.accept(q);
      return q;
    }
  }

  private final SqlDialect dialect;
  private final boolean leases;
  final String insert;

  /** The INSERT without its lease, the template of {@link #insertRows}. */
  private final String insertRow;

  final String findStale;
  final String markStreaming;
  final String heartbeat;
  final String finish;

  /** Finishes a row and drops its chunks in one statement; null where the dialect cannot. */
  final @Nullable String finishAndDropChunks;

  final String insertChunk;

  /** {@link #insert}, {@link #finish} and {@link #finishAndDropChunks} as plain JDBC statements. */
  private final RecordParams.Positional leanInsert;

  /** The INSERT of a terminal row: no lease. */
  private final RecordParams.Positional leanInsertTerminal;

  private final RecordParams.Positional leanFinish;
  private final RecordParams.@Nullable Positional leanFinishAndDropChunks;

  GenerationSql(SqlDialect dialect) {
    this.dialect = dialect;
    this.leases = dialect.keepsLeases();
    this.insertRow =
        "INSERT INTO generations ("
            + COLUMNS
            + ") VALUES (:id, :kind, :userId, :tenantId, :model, :provider, :providerModel,"
            + " :providerResponseId, "
            + dialect.json(":request")
            + ", "
            + dialect.json(":metadata")
            + ", :text, :finishReason, :toolCalls, "
            + dialect.json(":attributes")
            + ", "
            + dialect.json(":usage")
            + ", :inputTokens, :outputTokens, :costUsd, :costTable, :savedCostUsd, :status,"
            + " :errorType, :errorMessage, :cachedFrom, :fingerprint, :createdAt, :firstTokenAt,"
            + " :completedAt, :updatedAt, :heartbeatAt, :parentId, :inheritedMessages, :threadHash,"
            + " :threadId, :threadKey, :blobCount, :fingerprintBytes, :threadHashBytes,"
            + " :threadKeyBytes)";
    this.insert = leases ? "WITH " + LEASE_INSERT + "(:id, :heartbeatAt)) " + insertRow : insertRow;
    String finishRow =
        "UPDATE generations SET text = :text, finish_reason = :finishReason,"
            + " tool_calls = :toolCalls, attributes = "
            + dialect.json(":attributes")
            + ", usage = "
            + dialect.json(":usage")
            + ", input_tokens = :inputTokens, output_tokens = :outputTokens, cost_usd = :costUsd,"
            + " cost_table = :costTable, saved_cost_usd = :savedCostUsd, status = :status,"
            + " error_type = :errorType, error_message = :errorMessage, cached_from = :cachedFrom,"
            + " provider = :provider, provider_model = :providerModel,"
            + " provider_response_id = :providerResponseId,"
            + " first_token_at = COALESCE(:firstTokenAt, first_token_at),"
            + " completed_at = :completedAt, updated_at = :updatedAt, heartbeat_at = NULL,"
            + " thread_hash = :threadHash, thread_hash_bytes = :threadHashBytes,"
            + " blob_count = :blobCount WHERE id = :id AND status IN "
            + LIVE;
    this.finish = leases ? "WITH " + LEASE_DELETE + " " + finishRow : finishRow;
    this.finishAndDropChunks = dialect.finishAndDropChunks(finishRow);
    this.findStale =
        "SELECT "
            + COLUMNS
            + " FROM generations WHERE "
            + (leases
                ? "id IN (SELECT id FROM generation_leases WHERE heartbeat_at < :before) AND "
                : "")
            + "status IN "
            + LIVE
            + " AND heartbeat_at < :before ORDER BY heartbeat_at, id LIMIT :limit";
    String markStreamingRow =
        "UPDATE generations SET status = 'streaming', first_token_at = COALESCE(first_token_at,"
            + " :first), heartbeat_at = :at, updated_at = :at WHERE id = :id AND status IN "
            + LIVE;
    String heartbeatRow =
        "UPDATE generations SET heartbeat_at = :at WHERE id = :id AND status IN " + LIVE;
    String leaseHeartbeat =
        "WITH lease AS (UPDATE generation_leases SET heartbeat_at = :at WHERE id = :id) ";
    this.markStreaming = leases ? leaseHeartbeat + markStreamingRow : markStreamingRow;
    this.heartbeat = leases ? leaseHeartbeat + heartbeatRow : heartbeatRow;
    this.leanInsert = new RecordParams.Positional(insert);
    this.leanInsertTerminal = new RecordParams.Positional(insertRow);
    this.leanFinish = new RecordParams.Positional(finish);
    this.leanFinishAndDropChunks =
        finishAndDropChunks == null ? null : new RecordParams.Positional(finishAndDropChunks);
    this.insertChunk =
        dialect.insertChunkIgnoringDuplicate(
            "INSERT INTO generation_chunks (generation_id, seq, text, created_at)"
                + " SELECT :id, :seq, :text, :createdAt WHERE EXISTS (SELECT 1 FROM generations g"
                + " WHERE g.id = :id AND g.status IN "
                + LIVE
                + ")");
  }

  /**
   * One INSERT of {@code n} rows ({@code INSERT ... VALUES (...), (...)}): one statement, so one
   * round trip and, in autocommit, one atomic commit. Row {@code i}'s parameters are named with the
   * suffix {@code _i}; bind them with {@link #bindInsert(SqlStatement, Generation, String)}.
   */
  String insertRows(int n) {
    int values = insertRow.indexOf(") VALUES (") + ") VALUES ".length();
    String tuple = insertRow.substring(values);
    StringBuilder sql = new StringBuilder(insertRow.length() * (n + 1));
    if (leases) {
      sql.append("WITH ").append(LEASE_INSERT);
      for (int i = 0; i < n; i++) {
        sql.append(i > 0 ? ", " : "").append("(:id_").append(i).append(", :heartbeatAt_");
        sql.append(i).append(')');
      }
      sql.append(") ");
    }
    sql.append(insertRow, 0, values);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sql.append(", ");
      }
      sql.append(RecordParams.Positional.PARAMETER.matcher(tuple).replaceAll(":$1_" + i));
    }
    return sql.toString();
  }

  /**
   * Inserts a generation's row, with its lease if it is live and the dialect keeps leases. This and
   * the two finishing statements, the writes of every generation, run as plain JDBC on the handle's
   * connection (see {@link RecordParams.Positional}); every other statement goes through Jdbi.
   */
  void insert(Handle h, Generation g) throws SQLException {
    RecordParams.Positional statement = g.isTerminal() ? leanInsertTerminal : leanInsert;
    try (PreparedStatement ps = statement.prepare(h.getConnection())) {
      insertValues(statement.bind(ps, dialect), g);
      ps.executeUpdate();
    }
  }

  /** Applies a terminal record to its row if the row is live; whether it was. */
  boolean finish(Handle h, Generation terminal) throws SQLException {
    try (PreparedStatement ps = leanFinish.prepare(h.getConnection())) {
      recordValues(leanFinish.bind(ps, dialect), terminal);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Stores a checkpoint: the chunks of live generations (a chunk already stored is skipped), and
   * each of their generations marked streaming, with its first token's time if it had none.
   */
  void appendChunks(Handle h, List<Chunk> chunks, Instant at) {
    // Rows are updated in ID order, as every multi-row write here does, so that two transactions
    // never lock the same rows in opposite orders (a deadlock).
    Map<String, Instant> firstByGeneration = new TreeMap<>();
    PreparedBatch insert = h.prepareBatch(insertChunk);
    for (Chunk c : chunks) {
      firstByGeneration.merge(c.generationId(), c.createdAt(), (a, b) -> a.isBefore(b) ? a : b);
      insert
          .bind("id", c.generationId())
          .bind("seq", c.seq())
          .bind("text", dialect.text(c.text()))
          .bindByType("createdAt", c.createdAt(), TIME)
          .add();
    }
    insert.execute();
    PreparedBatch streaming = h.prepareBatch(markStreaming);
    firstByGeneration.forEach(
        (id, first) ->
            streaming
                .bind("id", id)
                .bindByType("first", first, TIME)
                .bindByType("at", at, TIME)
                .add());
    streaming.execute();
  }

  /** Marks live generations as alive at {@code at}. */
  void heartbeat(Handle h, Collection<String> ids, Instant at) {
    PreparedBatch batch = h.prepareBatch(heartbeat);
    for (String id : new TreeSet<>(ids)) { // in ID order, as every multi-row write here
      batch.bind("id", id).bindByType("at", at, TIME).add();
    }
    batch.execute();
  }

  /** Runs the dialect's {@link #finishAndDropChunks} statement; whether the row was live. */
  boolean finishAndDropChunks(Handle h, Generation terminal) throws SQLException {
    RecordParams.Positional lean = Objects.requireNonNull(leanFinishAndDropChunks);
    try (PreparedStatement ps = lean.prepare(h.getConnection())) {
      recordValues(lean.bind(ps, dialect), terminal);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) == 1;
      }
    }
  }

  /** The stored chunks of a generation after {@code afterSeq}, in order. */
  static List<Chunk> chunks(Handle h, String id, int afterSeq) {
    return h.createQuery(CHUNKS)
        .bind("id", id)
        .bind("after", afterSeq)
        .map(
            (rs, ctx) ->
                new Chunk(
                    rs.getString("generation_id"),
                    rs.getInt("seq"),
                    rs.getString("text"),
                    Objects.requireNonNull(
                        ColumnTypes.mapper(ctx, TIME).map(rs, "created_at", ctx))))
        .list();
  }

  /** Inserts a generation's files, numbered from 0. */
  static void insertBlobs(Handle h, Generation g) {
    if (g.blobs().isEmpty()) {
      return;
    }
    PreparedBatch batch = h.prepareBatch(INSERT_BLOB);
    for (int n = 0; n < g.blobs().size(); n++) {
      bindBlob(batch, g.id(), n, g.blobs().get(n));
      batch.add();
    }
    batch.execute();
  }

  /** Binds all of {@link #insert}. */
  void bindInsert(SqlStatement<?> s, Generation g) {
    bindInsert(s, g, "");
  }

  /**
   * Binds all of {@link #insert}, each name followed by {@code suffix} (see {@link #insertRows}).
   */
  void bindInsert(SqlStatement<?> s, Generation g, String suffix) {
    insertValues(RecordParams.named(s, suffix), g);
  }

  /** Binds the fields that {@link #insert} and {@link #finish} both write. */
  void bindRecord(SqlStatement<?> s, Generation g) {
    recordValues(RecordParams.named(s, ""), g);
  }

  /** All of {@link #insert}'s values. */
  private <X extends Exception> void insertValues(RecordParams<X> p, Generation g) throws X {
    recordValues(p, g);
    p.text("kind", g.kind().wireName());
    p.text("userId", g.userId());
    p.text("tenantId", g.tenantId());
    p.text("model", g.model());
    p.text("request", ThreadRows.storedRequest(g));
    p.text("parentId", g.parentId());
    p.integer("inheritedMessages", g.parentId() == null ? null : g.inheritedMessages());
    p.text("threadId", g.link() == null ? null : g.threadId());
    p.text("metadata", stringMap(g.metadata()));
    HashColumns.bind(p, "fingerprint", g.fingerprint());
    p.time("createdAt", g.createdAt());
    p.time("heartbeatAt", g.heartbeatAt());
    HashColumns.bind(p, "threadKey", Threads.keyOf(g.request()));
  }

  /** The values that {@link #insert} and {@link #finish} both write. */
  private <X extends Exception> void recordValues(RecordParams<X> p, Generation g) throws X {
    Usage usage = g.usage();
    Cost cost = g.cost();
    p.text("id", g.id());
    p.text("provider", g.provider());
    p.text("providerModel", g.providerModel());
    p.text("providerResponseId", g.providerResponseId());
    p.text("text", dialect.text(g.text()));
    p.text("finishReason", g.finishReason());
    p.text("toolCalls", g.toolCalls());
    p.text("attributes", stringMap(g.attributes()));
    // The two counts with columns of their own are left out of the JSON, and a usage of those
    // alone has no JSON (see GenerationMapper).
    p.text("usage", usageJson(usage));
    p.bigint("inputTokens", usage == null ? null : usage.inputTokens());
    p.bigint("outputTokens", usage == null ? null : usage.outputTokens());
    p.decimal("costUsd", cost == null ? null : cost.usd());
    p.text("costTable", cost == null ? null : cost.source().id());
    p.decimal("savedCostUsd", g.savedCost());
    p.text("status", g.status().wireName());
    p.text("errorType", g.errorType() == null ? null : g.errorType().wireName());
    p.text("errorMessage", g.errorMessage() == null ? null : dialect.text(g.errorMessage()));
    p.text("cachedFrom", g.cachedFrom());
    p.time("firstTokenAt", g.firstTokenAt());
    p.time("completedAt", g.completedAt());
    p.time("updatedAt", g.updatedAt());
    HashColumns.bind(p, "threadHash", Threads.hashOf(g));
    p.integer("blobCount", g.blobs().size());
  }

  /**
   * A usage as stored: JSON without the input and output counts, which have columns of their own;
   * NULL when it holds nothing else and either count is known (the columns then say it all).
   */
  static @Nullable String usageJson(@Nullable Usage usage) {
    if (usage == null) {
      return null;
    }
    String json = RecordJson.usageWithoutTotals(usage);
    boolean counted = usage.inputTokens() != null || usage.outputTokens() != null;
    return counted && json.equals("{}") ? null : json;
  }

  /** A map of strings as stored: JSON, or NULL when empty. */
  private static @Nullable String stringMap(Map<String, String> map) {
    return map.isEmpty() ? null : RecordJson.stringMap(map);
  }

  private static void bindBlob(SqlStatement<?> s, String id, int n, BlobRef b) {
    s.bind("id", id)
        .bind("n", n)
        .bind("key", b.key())
        .bind("url", b.url())
        .bind("contentType", b.contentType())
        .bind("size", b.size())
        .bind("sha256", b.sha256());
  }

  /** The live rows whose heartbeat is older than {@code before}: what the sweeper ends. */
  Bound stale(Instant before, int limit) {
    return new Bound(findStale, s -> s.bindByType("before", before, TIME).bind("limit", limit));
  }

  /** A page of history, newest first, one row more than the page to tell if another follows. */
  static Bound list(GenerationQuery q) {
    StringBuilder sql = new StringBuilder();
    List<Consumer<SqlStatement<?>>> binds = new ArrayList<>();
    if (q.threadId().isPresent()) {
      sql.append(ThreadRows.THREAD).append(' ');
      binds.add(s -> s.bind("threadId", q.threadId().get()));
    }
    sql.append("SELECT ").append(COLUMNS).append(" FROM generations g0 WHERE 1 = 1");
    if (q.threadId().isPresent()) {
      sql.append(" AND id IN (SELECT id FROM thread)");
    }
    if (q.lastTurnsOnly()) {
      sql.append(" AND ").append(ThreadRows.NO_CONTINUATION);
    }
    q.userId().ifPresent(v -> filter(sql, binds, "user_id = :userId", s -> s.bind("userId", v)));
    q.tenantId()
        .ifPresent(v -> filter(sql, binds, "tenant_id = :tenantId", s -> s.bind("tenantId", v)));
    q.model().ifPresent(v -> filter(sql, binds, "model = :model", s -> s.bind("model", v)));
    q.status()
        .ifPresent(
            v -> filter(sql, binds, "status = :status", s -> s.bind("status", v.wireName())));
    q.createdFrom()
        .ifPresent(
            v -> filter(sql, binds, "created_at >= :from", s -> s.bindByType("from", v, TIME)));
    q.createdBefore()
        .ifPresent(
            v -> filter(sql, binds, "created_at < :before", s -> s.bindByType("before", v, TIME)));
    q.after()
        .ifPresent(
            c ->
                filter(
                    sql,
                    binds,
                    // The first condition is the history index's bound: a page after a cursor
                    // starts reading there, not at the newest row.
                    "created_at <= :cursorAt AND (created_at < :cursorAt OR (created_at ="
                        + " :cursorAt AND id < :cursorId))",
                    s -> s.bindByType("cursorAt", c.createdAt(), TIME).bind("cursorId", c.id())));
    // The page size in the text, not as a parameter: PostgreSQL then keeps one plan for a page of
    // that size (a generic plan, made once) instead of planning each page for its parameters,
    // since a plan for an unknown LIMIT costs more than the ones made for its values.
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT ").append(q.limit() + 1);
    return new Bound(sql.toString(), s -> binds.forEach(b -> b.accept(s)));
  }

  private static void filter(
      StringBuilder sql,
      List<Consumer<SqlStatement<?>>> binds,
      String clause,
      Consumer<SqlStatement<?>> bind) {
    sql.append(" AND ").append(clause);
    binds.add(bind);
  }
}
