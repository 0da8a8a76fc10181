package dev.genvault.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.BlobRef;
import dev.genvault.Cost;
import dev.genvault.DuplicateGenerationException;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.Page;
import dev.genvault.PersistenceException;
import dev.genvault.PriceSource;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import dev.genvault.Usage;
import dev.genvault.internal.RecordJson;
import dev.genvault.spi.Chunk;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.PageCursor;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GenerationStore} in your SQL database: PostgreSQL (production), SQLite (embedded) or H2.
 *
 * <pre>{@code
 * GenerationStore store = JdbcGenerationStore.create(dataSource);          // your pool
 * GenerationStore local = JdbcGenerationStore.sqlite(Path.of("genvault.db")); // embedded
 * }</pre>
 *
 * <p>Tables: {@code generations} (one row per generation; usage and the request as JSON, cost as an
 * exact decimal), {@code generation_chunks} (streamed text, unique on {@code (generation_id, seq)},
 * removed when a generation that streamed text ends with its whole text on the row) and {@code
 * generation_blobs}. The DDL is in {@code schema-postgresql.sql}, {@code schema-sqlite.sql} and
 * {@code schema-h2.sql} beside this class.
 *
 * <p>Every write is idempotent and every batch is one transaction; a connection is borrowed only
 * for the length of one write or read, never while a model is thinking. Only bind parameters reach
 * the database. Thread safe. {@link #close()} closes the pool if this store made it.
 */
public final class JdbcGenerationStore implements GenerationStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JdbcGenerationStore.class);

  /** The schema version this code reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  private static final String LIVE = "('pending', 'streaming')";

  private static final String COLUMNS =
      "id, kind, user_id, tenant_id, model, provider, provider_model, provider_response_id,"
          + " request, metadata, text, finish_reason, tool_calls, attributes, usage, input_tokens,"
          + " output_tokens, cost_usd,"
          + " cost_table, saved_cost_usd, status, error_type, error_message, cached_from,"
          + " fingerprint, created_at, first_token_at, completed_at, updated_at, heartbeat_at";

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final @Nullable HikariDataSource ownedPool;
  private final String insertSql;
  private final String finishSql;
  private final String chunkSql;

  private JdbcGenerationStore(Jdbi jdbi, Dialect dialect, @Nullable HikariDataSource ownedPool) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.ownedPool = ownedPool;
    this.insertSql =
        "INSERT INTO generations ("
            + COLUMNS
            + ") VALUES (:id, :kind, :userId, :tenantId, :model, :provider, :providerModel,"
            + " :providerResponseId, "
            + dialect.json(":request")
            + ", "
            + dialect.json(":metadata")
            + ", :text, :finishReason, "
            + ":toolCalls, "
            + dialect.json(":attributes")
            + ", "
            + dialect.json(":usage")
            + ", :inputTokens, :outputTokens, :costUsd, :costTable, :savedCostUsd, :status,"
            + " :errorType, :errorMessage, :cachedFrom, :fingerprint, :createdAt, :firstTokenAt,"
            + " :completedAt, :updatedAt, :heartbeatAt)";
    this.finishSql =
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
            + " completed_at = :completedAt, updated_at = :updatedAt, heartbeat_at = NULL"
            + " WHERE id = :id AND status IN "
            + LIVE;
    String select =
        " SELECT :id, :seq, :text, :createdAt WHERE EXISTS (SELECT 1 FROM generations g"
            + " WHERE g.id = :id AND g.status IN "
            + LIVE
            + ")";
    this.chunkSql =
        dialect == Dialect.H2
            ? "INSERT INTO generation_chunks (generation_id, seq, text, created_at)"
                + select
                + " AND NOT EXISTS (SELECT 1 FROM generation_chunks c WHERE c.generation_id = :id"
                + " AND c.seq = :seq)"
            : "INSERT INTO generation_chunks (generation_id, seq, text, created_at)"
                + select
                + " ON CONFLICT (generation_id, seq) DO NOTHING";
  }

  /** A store on your {@link DataSource}; the dialect is read from the connection. */
  public static JdbcGenerationStore create(DataSource dataSource) {
    return builder().dataSource(dataSource).build();
  }

  /**
   * A store at a database URL, through a pool this store makes (with the settings of {@link
   * Builder#jdbcUrl}) and closes on {@link #close()}. Takes a JDBC URL ({@code
   * jdbc:sqlite:path/to/genvault.db}, {@code jdbc:postgresql://host:5432/db}, {@code
   * jdbc:h2:file:./genvault}) or a PostgreSQL URL as hosting providers give it ({@code
   * postgres://user:password@host:5432/db?sslmode=require}), whose user and password become the
   * credentials; no message ever shows the password.
   *
   * @throws IllegalArgumentException for anything else, saying which forms work
   * @throws IllegalStateException if the database's JDBC driver is missing (the message names the
   *     Maven dependency to add) or is not PostgreSQL, SQLite or H2
   * @throws PersistenceException if the database cannot be reached
   */
  public static JdbcGenerationStore create(String url) {
    DatabaseUrl parsed = DatabaseUrl.parse(url);
    Builder builder = builder().jdbcUrl(parsed.jdbcUrl);
    builder.username = parsed.username;
    builder.password = parsed.password;
    return builder.build();
  }

  /**
   * A store in a SQLite file with durable settings: WAL journal, {@code synchronous=FULL}, a busy
   * timeout of 10 s and immediate write transactions, through a small pool this store owns. A
   * missing folder is created.
   */
  public static JdbcGenerationStore sqlite(Path file) {
    return builder().jdbcUrl("jdbc:sqlite:" + file.toAbsolutePath()).build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The database this store writes to. */
  public Dialect dialect() {
    return dialect;
  }

  /** The Jdbi this store uses (for your own queries against the same tables). */
  public Jdbi jdbi() {
    return jdbi;
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void insert(Generation g) {
    Objects.requireNonNull(g, "generation");
    if (g.isTerminal()) {
      throw new IllegalArgumentException("insert takes a live generation: " + g);
    }
    Generation row =
        g.toBuilder()
            .heartbeatAt(g.heartbeatAt() != null ? g.heartbeatAt() : g.createdAt())
            .build();
    // One statement: autocommit, one round trip.
    writeOne(g.id(), h -> insertRow(h, row));
  }

  @Override
  public void insertTerminal(Generation g) {
    Objects.requireNonNull(g, "generation");
    if (!g.isTerminal()) {
      throw new IllegalArgumentException("insertTerminal takes a terminal generation: " + g);
    }
    write(
        g.id(),
        h -> {
          insertRow(h, g.toBuilder().heartbeatAt(null).build());
          insertBlobs(h, g);
          return null;
        });
  }

  private Void insertRow(Handle h, Generation g) {
    SqlStatement<?> s = h.createUpdate(insertSql);
    bindRecord(s, g);
    s.bind("kind", g.kind().wireName())
        .bind("userId", g.userId())
        .bind("tenantId", g.tenantId())
        .bind("model", g.model())
        .bind("request", RecordJson.request(g.request()))
        .bind("metadata", g.metadata().isEmpty() ? null : RecordJson.stringMap(g.metadata()))
        .bind("fingerprint", g.fingerprint())
        .bind("createdAt", time(g.createdAt()))
        .bind("heartbeatAt", time(g.heartbeatAt()));
    ((org.jdbi.v3.core.statement.Update) s).execute();
    return null;
  }

  /** Binds the fields that insert and finish both write. */
  private void bindRecord(SqlStatement<?> s, Generation g) {
    Usage usage = g.usage();
    Cost cost = g.cost();
    s.bind("id", g.id())
        .bind("provider", g.provider())
        .bind("providerModel", g.providerModel())
        .bind("providerResponseId", g.providerResponseId())
        .bind("text", dialect.text(g.text()))
        .bind("finishReason", g.finishReason())
        .bind("toolCalls", g.toolCalls())
        .bind("attributes", g.attributes().isEmpty() ? null : RecordJson.stringMap(g.attributes()))
        .bind("usage", usage == null ? null : RecordJson.usage(usage))
        .bind("inputTokens", usage == null ? null : usage.inputTokens())
        .bind("outputTokens", usage == null ? null : usage.outputTokens())
        .bind("costUsd", decimal(cost == null ? null : cost.usd()))
        .bind("costTable", cost == null ? null : cost.source().id())
        .bind("savedCostUsd", decimal(g.savedCost()))
        .bind("status", g.status().wireName())
        .bind("errorType", g.errorType() == null ? null : g.errorType().wireName())
        .bind("errorMessage", g.errorMessage() == null ? null : dialect.text(g.errorMessage()))
        .bind("cachedFrom", g.cachedFrom())
        .bind("firstTokenAt", time(g.firstTokenAt()))
        .bind("completedAt", time(g.completedAt()))
        .bind("updatedAt", time(g.updatedAt()));
  }

  private void insertBlobs(Handle h, Generation g) {
    if (g.blobs().isEmpty()) {
      return;
    }
    PreparedBatch batch =
        h.prepareBatch(
            "INSERT INTO generation_blobs (generation_id, n, blob_key, url, content_type, size_bytes,"
                + " sha256) VALUES (:id, :n, :key, :url, :contentType, :size, :sha256)");
    for (int n = 0; n < g.blobs().size(); n++) {
      BlobRef b = g.blobs().get(n);
      batch
          .bind("id", g.id())
          .bind("n", n)
          .bind("key", b.key())
          .bind("url", b.url())
          .bind("contentType", b.contentType())
          .bind("size", b.size())
          .bind("sha256", b.sha256())
          .add();
    }
    batch.execute();
  }

  @Override
  public void appendChunks(List<Chunk> chunks, Instant at) {
    Objects.requireNonNull(at, "at");
    if (chunks.isEmpty()) {
      return;
    }
    Map<String, Instant> firstByGeneration = new LinkedHashMap<>();
    for (Chunk c : chunks) {
      firstByGeneration.merge(c.generationId(), c.createdAt(), (a, b) -> a.isBefore(b) ? a : b);
    }
    int attempts = dialect == Dialect.H2 ? 5 : 1;
    for (int attempt = 1; ; attempt++) {
      try {
        write(
            null,
            h -> {
              PreparedBatch insert = h.prepareBatch(chunkSql);
              for (Chunk c : chunks) {
                insert
                    .bind("id", c.generationId())
                    .bind("seq", c.seq())
                    .bind("text", dialect.text(c.text()))
                    .bind("createdAt", time(c.createdAt()))
                    .add();
              }
              insert.execute();
              PreparedBatch streaming =
                  h.prepareBatch(
                      "UPDATE generations SET status = 'streaming',"
                          + " first_token_at = COALESCE(first_token_at, :first),"
                          + " heartbeat_at = :at, updated_at = :at WHERE id = :id AND status IN "
                          + LIVE);
              firstByGeneration.forEach(
                  (id, first) ->
                      streaming
                          .bind("id", id)
                          .bind("first", time(first))
                          .bind("at", time(at))
                          .add());
              streaming.execute();
              return null;
            });
        return;
      } catch (PersistenceException e) {
        // H2 has no ON CONFLICT: a concurrent writer inserted the same chunk first. The retry's
        // NOT EXISTS skips it, which is what an idempotent append means.
        SQLException sql = findSql(e);
        if (sql == null || !isUniqueViolation(sql)) {
          throw e;
        }
        if (attempt >= attempts) {
          throw new PersistenceException(
              "chunks kept colliding with a concurrent writer", null, true, e);
        }
      }
    }
  }

  @Override
  public void heartbeat(Collection<String> ids, Instant at) {
    Objects.requireNonNull(at, "at");
    if (ids.isEmpty()) {
      return;
    }
    write(
        null,
        h -> {
          PreparedBatch batch =
              h.prepareBatch(
                  "UPDATE generations SET heartbeat_at = :at WHERE id = :id AND status IN " + LIVE);
          for (String id : ids) {
            batch.bind("id", id).bind("at", time(at)).add();
          }
          batch.execute();
          return null;
        });
  }

  @Override
  public boolean finish(Generation terminal) {
    Objects.requireNonNull(terminal, "terminal");
    if (!terminal.isTerminal()) {
      throw new IllegalArgumentException("finish takes a terminal generation: " + terminal);
    }
    if (terminal.firstTokenAt() == null && terminal.blobs().isEmpty()) {
      // No text ever streamed, so there are no chunks to drop: one plain UPDATE.
      return writeOne(
          terminal.id(),
          h -> {
            var update = h.createUpdate(finishSql);
            bindRecord(update, terminal);
            return update.execute() == 1;
          });
    }
    if (dialect == Dialect.POSTGRESQL && terminal.blobs().isEmpty()) {
      // One statement, one round trip: update the live row and, if it was, drop its chunks (the
      // whole text is on the row now; the chunks were only its progress).
      return writeOne(
          terminal.id(),
          h -> {
            var query =
                h.createQuery(
                    "WITH done AS ("
                        + finishSql
                        + " RETURNING id), gone AS (DELETE FROM generation_chunks WHERE generation_id"
                        + " IN (SELECT id FROM done)) SELECT COUNT(*) FROM done");
            bindRecord(query, terminal);
            return query.mapTo(Integer.class).one() == 1;
          });
    }
    return write(
        terminal.id(),
        h -> {
          var update = h.createUpdate(finishSql);
          bindRecord(update, terminal);
          if (update.execute() != 1) {
            return false;
          }
          insertBlobs(h, terminal);
          h.createUpdate("DELETE FROM generation_chunks WHERE generation_id = :id")
              .bind("id", terminal.id())
              .execute();
          return true;
        });
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<Generation> find(String id) {
    Objects.requireNonNull(id, "id");
    return read(
        h -> {
          List<Generation> rows =
              h.createQuery("SELECT " + COLUMNS + " FROM generations WHERE id = :id")
                  .bind("id", id)
                  .map((rs, ctx) -> row(rs))
                  .list();
          return rows.isEmpty()
              ? Optional.<Generation>empty()
              : Optional.of(complete(h, rows).get(0));
        });
  }

  @Override
  public Optional<GenerationStatus> status(String id) {
    return columnsOf(
        id, "status", (rs, ctx) -> GenerationStatus.fromWireName(rs.getString("status")));
  }

  @Override
  public Optional<GenerationOwner> owner(String id) {
    return columnsOf(
        id,
        "id, user_id, tenant_id",
        (rs, ctx) ->
            new GenerationOwner(
                rs.getString("id"), rs.getString("user_id"), rs.getString("tenant_id")));
  }

  /** A few columns of one row, without its chunks or blobs. */
  private <T> Optional<T> columnsOf(String id, String columns, RowMapper<T> mapper) {
    Objects.requireNonNull(id, "id");
    return read(
        h ->
            h.createQuery("SELECT " + columns + " FROM generations WHERE id = :id")
                .bind("id", id)
                .map(mapper)
                .findOne());
  }

  @Override
  public List<Chunk> chunks(String id, int afterSeq) {
    Objects.requireNonNull(id, "id");
    return read(
        h ->
            h.createQuery(
                    "SELECT generation_id, seq, text, created_at FROM generation_chunks"
                        + " WHERE generation_id = :id AND seq > :after ORDER BY seq")
                .bind("id", id)
                .bind("after", afterSeq)
                .map(
                    (rs, ctx) ->
                        new Chunk(
                            rs.getString("generation_id"),
                            rs.getInt("seq"),
                            rs.getString("text"),
                            Objects.requireNonNull(dialect.getTime(rs, "created_at"))))
                .list());
  }

  @Override
  public Page<Generation> list(GenerationQuery q) {
    StringBuilder sql =
        new StringBuilder("SELECT ").append(COLUMNS).append(" FROM generations WHERE 1 = 1");
    Map<String, Object> binds = new HashMap<>();
    q.userId().ifPresent(v -> filter(sql, binds, "user_id = :userId", "userId", v));
    q.tenantId().ifPresent(v -> filter(sql, binds, "tenant_id = :tenantId", "tenantId", v));
    q.model().ifPresent(v -> filter(sql, binds, "model = :model", "model", v));
    q.status().ifPresent(v -> filter(sql, binds, "status = :status", "status", v.wireName()));
    q.createdFrom().ifPresent(v -> filter(sql, binds, "created_at >= :from", "from", time(v)));
    q.createdBefore().ifPresent(v -> filter(sql, binds, "created_at < :before", "before", time(v)));
    q.after()
        .ifPresent(
            c -> {
              sql.append(
                  " AND (created_at < :cursorAt OR (created_at = :cursorAt AND id < :cursorId))");
              binds.put("cursorAt", time(c.createdAt()));
              binds.put("cursorId", c.id());
            });
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    binds.put("limit", q.limit() + 1);
    return read(
        h -> {
          var query = h.createQuery(sql.toString());
          binds.forEach(query::bind);
          List<Generation> rows = query.map((rs, ctx) -> row(rs)).list();
          String next = null;
          if (rows.size() > q.limit()) {
            rows = rows.subList(0, q.limit());
            Generation last = rows.get(rows.size() - 1);
            next = new PageCursor(last.createdAt(), last.id()).encode();
          }
          return new Page<>(complete(h, rows), next);
        });
  }

  private static void filter(
      StringBuilder sql, Map<String, Object> binds, String clause, String name, Object value) {
    sql.append(" AND ").append(clause);
    binds.put(name, value);
  }

  @Override
  public List<SpendRow> spend(SpendQuery q) {
    boolean byUser = q.groupBy().contains(SpendQuery.Dimension.USER);
    boolean byModel = q.groupBy().contains(SpendQuery.Dimension.MODEL);
    boolean byDay = q.groupBy().contains(SpendQuery.Dimension.DAY);
    List<String> groups = new ArrayList<>();
    if (byUser) {
      groups.add("user_id");
    }
    if (byModel) {
      groups.add("model");
    }
    if (byDay) {
      groups.add(dialect.day("created_at"));
    }
    String select =
        (byUser ? "user_id" : "NULL")
            + " AS g_user, "
            + (byModel ? "model" : "NULL")
            + " AS g_model, "
            + (byDay ? dialect.day("created_at") : "NULL")
            + " AS g_day";
    String where =
        " FROM generations WHERE created_at >= :from AND created_at < :to"
            + (q.userId().isPresent() ? " AND user_id = :userId" : "")
            + (q.tenantId().isPresent() ? " AND tenant_id = :tenantId" : "");
    String groupBy = groups.isEmpty() ? "" : " GROUP BY " + String.join(", ", groups);
    return read(
        h -> {
          var totals =
              h.createQuery(
                  "SELECT "
                      + select
                      + ", COUNT(*) AS n, COALESCE(SUM(input_tokens), 0) AS tin,"
                      + " COALESCE(SUM(output_tokens), 0) AS tout"
                      + (dialect.sumsDecimalsExactly() ? ", SUM(cost_usd) AS cost" : "")
                      + where
                      + groupBy);
          bindSpend(totals, q);
          Map<List<Object>, SpendRow> rows = new LinkedHashMap<>();
          totals
              .map(
                  (rs, ctx) ->
                      new SpendRow(
                          rs.getString("g_user"),
                          rs.getString("g_model"),
                          day(rs),
                          rs.getLong("n"),
                          rs.getLong("tin"),
                          rs.getLong("tout"),
                          dialect.sumsDecimalsExactly() && rs.getBigDecimal("cost") != null
                              ? rs.getBigDecimal("cost")
                              : BigDecimal.ZERO))
              // An aggregate without GROUP BY answers one all-zero row for no match: drop it.
              .filter(r -> r.generations() > 0)
              .forEach(r -> rows.put(java.util.Arrays.asList(r.userId(), r.model(), r.day()), r));
          if (!dialect.sumsDecimalsExactly()) {
            // SQLite would sum text as floating point: add the exact decimals here instead.
            Map<List<Object>, BigDecimal> sums = new HashMap<>();
            var costs =
                h.createQuery(
                    "SELECT " + select + ", cost_usd" + where + " AND cost_usd IS NOT NULL");
            bindSpend(costs, q);
            costs
                .map(
                    (rs, ctx) ->
                        Map.entry(
                            java.util.Arrays.<Object>asList(
                                rs.getString("g_user"), rs.getString("g_model"), day(rs)),
                            new BigDecimal(rs.getString("cost_usd"))))
                .forEach(e -> sums.merge(e.getKey(), e.getValue(), BigDecimal::add));
            sums.forEach(
                (key, sum) -> {
                  SpendRow r = rows.get(key);
                  if (r != null) {
                    rows.put(
                        key,
                        new SpendRow(
                            r.userId(),
                            r.model(),
                            r.day(),
                            r.generations(),
                            r.inputTokens(),
                            r.outputTokens(),
                            sum));
                  }
                });
          }
          return List.copyOf(rows.values());
        });
  }

  private void bindSpend(org.jdbi.v3.core.statement.Query query, SpendQuery q) {
    query.bind("from", time(q.createdFrom())).bind("to", time(q.createdBefore()));
    q.userId().ifPresent(u -> query.bind("userId", u));
    q.tenantId().ifPresent(t -> query.bind("tenantId", t));
  }

  private static @Nullable LocalDate day(ResultSet rs) throws SQLException {
    Object value = rs.getObject("g_day");
    if (value == null) {
      return null;
    }
    if (value instanceof java.sql.Date) {
      return ((java.sql.Date) value).toLocalDate();
    }
    if (value instanceof LocalDate) {
      return (LocalDate) value;
    }
    return LocalDate.parse(value.toString());
  }

  @Override
  public List<Generation> findStale(Instant heartbeatBefore, int limit) {
    Objects.requireNonNull(heartbeatBefore, "heartbeatBefore");
    return read(
        h ->
            complete(
                h,
                h.createQuery(
                        "SELECT "
                            + COLUMNS
                            + " FROM generations WHERE status IN "
                            + LIVE
                            + " AND heartbeat_at < :before ORDER BY heartbeat_at, id LIMIT :limit")
                    .bind("before", time(heartbeatBefore))
                    .bind("limit", limit)
                    .map((rs, ctx) -> row(rs))
                    .list()));
  }

  @Override
  public boolean delete(String id) {
    Objects.requireNonNull(id, "id");
    return write(
        id,
        h -> {
          h.createUpdate("DELETE FROM generation_chunks WHERE generation_id = :id")
              .bind("id", id)
              .execute();
          h.createUpdate("DELETE FROM generation_blobs WHERE generation_id = :id")
              .bind("id", id)
              .execute();
          return h.createUpdate("DELETE FROM generations WHERE id = :id").bind("id", id).execute()
              > 0;
        });
  }

  @Override
  public int deleteByUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    return write(
        null,
        h -> {
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
        });
  }

  // ---------------------------------------------------------------- mapping

  private Generation row(ResultSet rs) throws SQLException {
    Generation.Builder b =
        Generation.builder()
            .id(rs.getString("id"))
            .request(RecordJson.request(rs.getString("request")))
            .provider(rs.getString("provider"))
            .providerModel(rs.getString("provider_model"))
            .providerResponseId(rs.getString("provider_response_id"))
            .text(rs.getString("text"))
            .finishReason(rs.getString("finish_reason"))
            .cachedFrom(rs.getString("cached_from"))
            .savedCost(dialect.getDecimal(rs, "saved_cost_usd"))
            .fingerprint(rs.getString("fingerprint"))
            .createdAt(Objects.requireNonNull(dialect.getTime(rs, "created_at")))
            .firstTokenAt(dialect.getTime(rs, "first_token_at"))
            .completedAt(dialect.getTime(rs, "completed_at"))
            .updatedAt(dialect.getTime(rs, "updated_at"))
            .heartbeatAt(dialect.getTime(rs, "heartbeat_at"));
    b.toolCalls(rs.getString("tool_calls"));
    String attributes = rs.getString("attributes");
    if (attributes != null) {
      b.attributes(RecordJson.stringMap(attributes));
    }
    String usage = rs.getString("usage");
    if (usage != null) {
      b.usage(RecordJson.usage(usage));
    }
    BigDecimal cost = dialect.getDecimal(rs, "cost_usd");
    if (cost != null) {
      b.cost(new Cost(cost, PriceSource.of(rs.getString("cost_table"))));
    }
    GenerationStatus status = GenerationStatus.fromWireName(rs.getString("status"));
    if (status == GenerationStatus.ERROR) {
      b.error(ErrorType.fromWireName(rs.getString("error_type")), rs.getString("error_message"));
    } else {
      b.status(status);
    }
    return b.build();
  }

  /** Adds blobs to every row, and the stored chunks' text to live ones: two queries per page. */
  private List<Generation> complete(Handle h, List<Generation> rows) {
    if (rows.isEmpty()) {
      return rows;
    }
    List<String> ids = new ArrayList<>();
    List<String> live = new ArrayList<>();
    for (Generation g : rows) {
      ids.add(g.id());
      if (!g.isTerminal()) {
        live.add(g.id());
      }
    }
    Map<String, List<BlobRef>> blobs = new HashMap<>();
    h.createQuery(
            "SELECT generation_id, blob_key, url, content_type, size_bytes, sha256 FROM generation_blobs"
                + " WHERE generation_id IN (<ids>) ORDER BY generation_id, n")
        .bindList("ids", ids)
        .map(
            (rs, ctx) ->
                Map.entry(
                    rs.getString("generation_id"),
                    new BlobRef(
                        rs.getString("blob_key"),
                        rs.getString("url"),
                        rs.getString("content_type"),
                        rs.getLong("size_bytes"),
                        rs.getString("sha256"))))
        .forEach(e -> blobs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    Map<String, StringBuilder> texts = new TreeMap<>();
    if (!live.isEmpty()) {
      h.createQuery(
              "SELECT generation_id, text FROM generation_chunks WHERE generation_id IN (<ids>)"
                  + " ORDER BY generation_id, seq")
          .bindList("ids", live)
          .map((rs, ctx) -> Map.entry(rs.getString("generation_id"), rs.getString("text")))
          .forEach(
              e ->
                  texts.computeIfAbsent(e.getKey(), k -> new StringBuilder()).append(e.getValue()));
    }
    List<Generation> result = new ArrayList<>(rows.size());
    for (Generation g : rows) {
      List<BlobRef> refs = blobs.get(g.id());
      StringBuilder text = texts.get(g.id());
      if (refs == null && text == null) {
        result.add(g);
      } else {
        Generation.Builder b = g.toBuilder();
        if (refs != null) {
          b.blobs(refs);
        }
        if (text != null) {
          b.text(text.toString());
        }
        result.add(b.build());
      }
    }
    return result;
  }

  private Argument time(@Nullable Instant value) {
    return (position, statement, ctx) -> dialect.setTime(statement, position, value);
  }

  private Argument decimal(@Nullable BigDecimal value) {
    return (position, statement, ctx) -> dialect.setDecimal(statement, position, value);
  }

  // ---------------------------------------------------------------- errors

  private interface Work<T> {
    T run(Handle h) throws SQLException;
  }

  private <T> T write(@Nullable String id, Work<T> work) {
    try {
      return jdbi.inTransaction(work::run);
    } catch (JdbiException | SQLException e) {
      throw translate(e, id);
    }
  }

  /** One statement in autocommit: no explicit COMMIT round trip. */
  private <T> T writeOne(@Nullable String id, Work<T> work) {
    try {
      return jdbi.withHandle(work::run);
    } catch (JdbiException | SQLException e) {
      throw translate(e, id);
    }
  }

  private <T> T read(Work<T> work) {
    try {
      return jdbi.withHandle(work::run);
    } catch (JdbiException | SQLException e) {
      throw translate(e, null);
    }
  }

  private RuntimeException translate(Exception e, @Nullable String id) {
    SQLException sql = findSql(e);
    if (sql != null && isUniqueViolation(sql) && id != null) {
      return new DuplicateGenerationException(id);
    }
    boolean retryable =
        sql == null || sql instanceof SQLTransientException || isConnectionProblem(sql);
    return new PersistenceException(
        "the "
            + dialect.name().toLowerCase(java.util.Locale.ROOT)
            + " store failed: "
            + e.getMessage(),
        id,
        retryable,
        e);
  }

  private static @Nullable SQLException findSql(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return (SQLException) t;
      }
    }
    return null;
  }

  private static boolean isUniqueViolation(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      if ("23505".equals(s.getSQLState())) {
        return true;
      }
      String message = String.valueOf(s.getMessage());
      if (message.contains("SQLITE_CONSTRAINT_PRIMARYKEY")
          || message.contains("SQLITE_CONSTRAINT_UNIQUE")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isConnectionProblem(SQLException e) {
    String state = e.getSQLState();
    return state == null
        || state.startsWith("08")
        || state.startsWith("57")
        || state.startsWith("40")
        || String.valueOf(e.getMessage()).contains("SQLITE_BUSY");
  }

  /** Closes the connection pool if this store made it; a supplied DataSource is left open. */
  @Override
  public void close() {
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  @Override
  public String toString() {
    return "JdbcGenerationStore{" + dialect.name().toLowerCase(java.util.Locale.ROOT) + '}';
  }

  // ---------------------------------------------------------------- schema and building

  private static void prepareSchema(Jdbi jdbi, Dialect dialect, SchemaMode mode) {
    if (mode == SchemaMode.NONE) {
      return;
    }
    jdbi.useHandle(
        h -> {
          if (mode == SchemaMode.CREATE_IF_MISSING) {
            for (String statement : ddl(dialect)) {
              h.execute(statement);
            }
            Integer version =
                h.createQuery("SELECT MAX(version) FROM genvault_schema")
                    .mapTo(Integer.class)
                    .one();
            if (version == null) {
              h.execute("INSERT INTO genvault_schema (version) VALUES (" + SCHEMA_VERSION + ")");
              return;
            }
            checkVersion(version);
            return;
          }
          Integer version;
          try {
            version =
                h.createQuery("SELECT MAX(version) FROM genvault_schema")
                    .mapTo(Integer.class)
                    .one();
          } catch (JdbiException e) {
            throw new IllegalStateException(
                "the Genvault schema is missing (table genvault_schema); create it from "
                    + dialect.schemaResource()
                    + " or use SchemaMode.CREATE_IF_MISSING",
                e);
          }
          if (version == null) {
            throw new IllegalStateException("the Genvault schema has no version row");
          }
          checkVersion(version);
        });
  }

  private static void checkVersion(int version) {
    if (version != SCHEMA_VERSION) {
      throw new IllegalStateException(
          "the Genvault schema is at version " + version + ", this code needs " + SCHEMA_VERSION);
    }
  }

  /** The statements of a dialect's DDL file, comments removed. */
  static List<String> ddl(Dialect dialect) {
    try (InputStream in = JdbcGenerationStore.class.getResourceAsStream(dialect.schemaResource())) {
      if (in == null) {
        throw new IllegalStateException("missing " + dialect.schemaResource());
      }
      StringBuilder sql = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.strip().startsWith("--")) {
          sql.append(line).append('\n');
        }
      }
      List<String> statements = new ArrayList<>();
      for (String s : sql.toString().split(";")) {
        if (!s.isBlank()) {
          statements.add(s.strip());
        }
      }
      return statements;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + dialect.schemaResource(), e);
    }
  }

  private static void checkSqliteDurability(Jdbi jdbi) {
    jdbi.useHandle(
        h -> {
          String journal = h.createQuery("PRAGMA journal_mode").mapTo(String.class).one();
          Integer sync = h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one();
          if (!"wal".equalsIgnoreCase(journal) || sync == null || sync < 2) {
            log.warn(
                "SQLite runs with journal_mode={} and synchronous={}: use WAL and synchronous=FULL (2)"
                    + " for durable, concurrent writes (JdbcGenerationStore.sqlite(path) sets both)",
                journal,
                sync);
          }
        });
  }

  /**
   * Builds a {@link JdbcGenerationStore}. Give it exactly one of a {@link DataSource}, a {@link
   * Jdbi}, or a JDBC URL (then the store makes and owns a HikariCP pool with durable settings).
   */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private @Nullable Jdbi jdbi;
    private @Nullable String jdbcUrl;
    private @Nullable String username;
    private @Nullable String password;
    private @Nullable Dialect dialect;
    private SchemaMode schemaMode = SchemaMode.CREATE_IF_MISSING;
    private int maxPoolSize = 0;

    private Builder() {}

    private void source() {
      if (dataSource != null || jdbi != null || jdbcUrl != null) {
        throw new IllegalStateException("give one of dataSource, jdbi or jdbcUrl");
      }
    }

    /** Your connection pool; it stays yours (not closed by the store). */
    public Builder dataSource(DataSource dataSource) {
      source();
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /** Your Jdbi; it stays yours. */
    public Builder jdbi(Jdbi jdbi) {
      source();
      this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
      return this;
    }

    /**
     * A JDBC URL ({@code jdbc:postgresql:...}, {@code jdbc:sqlite:...}, {@code jdbc:h2:...}); the
     * store makes a HikariCP pool with durable settings for it and closes it on {@link #close()}.
     * The folder of a SQLite file is created if it is missing. A {@code postgres://} URL goes to
     * {@link JdbcGenerationStore#create(String)}.
     *
     * @throws IllegalArgumentException if it is not a JDBC URL
     */
    public Builder jdbcUrl(String jdbcUrl) {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      if (!jdbcUrl.strip().toLowerCase(java.util.Locale.ROOT).startsWith("jdbc:")) {
        throw new IllegalArgumentException(
            "not a JDBC URL: "
                + DatabaseUrl.redact(jdbcUrl)
                + "; a postgres:// URL goes to JdbcGenerationStore.create(url), which takes its"
                + " credentials too");
      }
      source();
      this.jdbcUrl = jdbcUrl.strip();
      return this;
    }

    /** Credentials for {@link #jdbcUrl}. Never logged. */
    public Builder credentials(String username, String password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** The database, when it should not be read from the connection. */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /** What to do about the schema at start; {@link SchemaMode#CREATE_IF_MISSING} by default. */
    public Builder schema(SchemaMode mode) {
      this.schemaMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** The size of the pool the store makes for a JDBC URL (default 10; 4 for SQLite). */
    public Builder maxPoolSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("maxPoolSize must be at least 1: " + size);
      }
      this.maxPoolSize = size;
      return this;
    }

    /**
     * Connects, checks the dialect and prepares the schema.
     *
     * @throws PersistenceException if the database cannot be reached
     * @throws IllegalStateException for an unsupported database, a missing JDBC driver (the message
     *     names the Maven dependency to add) or a schema at another version
     */
    public JdbcGenerationStore build() {
      HikariDataSource owned = null;
      Jdbi j = jdbi;
      if (j == null && dataSource != null) {
        j = Jdbi.create(dataSource);
      }
      if (j == null) {
        if (jdbcUrl == null) {
          throw new IllegalStateException("give a dataSource, a jdbi or a jdbcUrl");
        }
        owned = pool(jdbcUrl);
        j = Jdbi.create(owned);
      }
      try {
        Dialect d = dialect;
        if (d == null) {
          d =
              j.withHandle(
                  h -> {
                    Connection c = h.getConnection();
                    return Dialect.of(c.getMetaData());
                  });
        }
        prepareSchema(j, d, schemaMode);
        if (d == Dialect.SQLITE && owned == null) {
          checkSqliteDurability(j);
        }
        return new JdbcGenerationStore(j, d, owned);
      } catch (JdbiException | SQLException e) {
        if (owned != null) {
          owned.close();
        }
        throw new PersistenceException("cannot reach the database at start: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        if (owned != null) {
          owned.close();
        }
        throw e;
      }
    }

    private HikariDataSource pool(String url) {
      DatabaseUrl.requireDriver(url);
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setPoolName("genvault");
      config.setConnectionTimeout(5_000);
      if (username != null) {
        config.setUsername(username);
      }
      if (password != null) {
        config.setPassword(password);
      }
      if (url.startsWith("jdbc:sqlite:")) {
        DatabaseUrl.createSqliteFolder(url);
        // Durable and concurrent: WAL, fsync at every commit, wait for the write lock instead of
        // failing with SQLITE_BUSY, and take it at the start of each write transaction.
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("synchronous", "FULL");
        config.addDataSourceProperty("busy_timeout", "10000");
        config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        config.setMaximumPoolSize(maxPoolSize > 0 ? maxPoolSize : 4);
      } else if (url.startsWith("jdbc:postgresql:")) {
        // Never wait forever on a dead socket; notice dead peers; fail a connect fast.
        config.addDataSourceProperty("socketTimeout", "60");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("ApplicationName", "genvault");
        config.setMaximumPoolSize(maxPoolSize > 0 ? maxPoolSize : 10);
      } else if (url.startsWith("jdbc:h2:")) {
        config.setJdbcUrl(url.contains("WRITE_DELAY") ? url : url + ";WRITE_DELAY=0");
        config.setMaximumPoolSize(maxPoolSize > 0 ? maxPoolSize : 10);
      } else {
        config.setMaximumPoolSize(maxPoolSize > 0 ? maxPoolSize : 10);
      }
      try {
        return new HikariDataSource(config);
      } catch (RuntimeException e) {
        throw new PersistenceException(
            "cannot connect to " + DatabaseUrl.redact(url) + ": " + e.getMessage(), e);
      }
    }
  }
}
