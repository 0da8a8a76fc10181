package dev.genvault.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.Generation;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.Page;
import dev.genvault.PersistenceException;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import dev.genvault.spi.Chunk;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.PageCursor;
import dev.genvault.spi.RowOutcome;
import dev.genvault.spi.ThreadTip;
import dev.genvault.spi.Threads;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jspecify.annotations.Nullable;

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

  /**
   * The schema version this code reads and writes (2 added the dedup cache's table, 3 chat threads,
   * 4 chose how PostgreSQL compresses long text, 5 let a generation's final update be a HOT update
   * on PostgreSQL: leases for the sweeper, and thread keys; 6 rebuilt PostgreSQL's history indexes
   * in ascending order, where they were half empty; 7 keeps the row's hashes as bytes; 8 leaves the
   * ID out of PostgreSQL's history indexes).
   */
  public static final int SCHEMA_VERSION = 8;

  /** The rows {@link #deleteByUser} deletes per transaction. */
  public static final int USER_DELETE_BATCH = 1000;

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final GenerationSql sql;
  private final Transactions tx;
  private final RowWrites rows;
  private final BatchWrites batches;
  private final @Nullable HikariDataSource ownedPool;

  private final boolean keepsThreads;

  private JdbcGenerationStore(
      Jdbi jdbi, Dialect dialect, @Nullable HikariDataSource ownedPool, boolean keepsThreads) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.sql = new GenerationSql(dialect.sql());
    this.tx = new Transactions(jdbi, dialect);
    this.rows = new RowWrites(tx, dialect, sql, keepsThreads);
    this.batches = new BatchWrites(jdbi, dialect, sql);
    this.ownedPool = ownedPool;
    this.keepsThreads = keepsThreads;
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
    rows.insert(g);
  }

  @Override
  public void insertTerminal(Generation g) {
    rows.insertTerminal(g);
  }

  @Override
  public void appendChunks(List<Chunk> chunks, Instant at) {
    rows.appendChunks(chunks, at);
  }

  @Override
  public void heartbeat(Collection<String> ids, Instant at) {
    rows.heartbeat(ids, at);
  }

  @Override
  public boolean finish(Generation terminal) {
    return rows.finish(terminal);
  }

  /** One transaction for the batch; a refused row fails alone (see {@link BatchWrites}). */
  @Override
  public List<RowOutcome> insertAll(List<Generation> generations) {
    if (!keepsThreads) {
      List<Generation> kept = new java.util.ArrayList<>(generations.size());
      generations.forEach(g -> kept.add(g == null ? null : ThreadRows.withoutParent(g)));
      return batches.insertAll(kept);
    }
    return batches.insertAll(generations);
  }

  @Override
  public List<RowOutcome> finishAll(List<Generation> terminals) {
    return batches.finishAll(terminals);
  }

  /** True: {@code PersistentGenerator} joins concurrent writes into batches for this store. */
  @Override
  public boolean writesBatchesAtOnce() {
    return true;
  }

  // ---------------------------------------------------------------- reads

  /**
   * True (a continuation's row holds only its new messages, see {@link ThreadRows}), unless the
   * store was given a SQLite {@link Jdbi} whose connections do not check foreign keys: then every
   * request is stored whole, since nothing would stop a turn from being linked to a parent deleted
   * at the same moment.
   */
  @Override
  public boolean keepsThreads() {
    return keepsThreads;
  }

  @Override
  public Optional<ThreadTip> threadTip(String id) {
    Objects.requireNonNull(id, "id");
    return tx.autocommit(null, h -> ThreadRows.tip(h, id));
  }

  @Override
  public Optional<ThreadTip> findThreadTip(
      @Nullable String userId, @Nullable String tenantId, List<Threads.Prefix> prefixes) {
    if (prefixes.isEmpty()) {
      return Optional.empty();
    }
    return tx.autocommit(
        null, h -> ThreadRows.findByPrefix(h, dialect.sql(), userId, tenantId, prefixes));
  }

  @Override
  public Optional<Generation> find(String id) {
    Objects.requireNonNull(id, "id");
    return ThreadRows.reading(
        () ->
            tx.autocommit(
                null,
                h -> {
                  List<StoredRow> rows =
                      h.createQuery(GenerationSql.FIND)
                          .bind("id", id)
                          .map(GenerationMapper.INSTANCE)
                          .list();
                  return rows.isEmpty()
                      ? Optional.<Generation>empty()
                      : Optional.of(Attachments.complete(h, rows, dialect.sql()).get(0));
                }));
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
    return tx.autocommit(
        null,
        h ->
            h.createQuery("SELECT " + columns + " FROM generations WHERE id = :id")
                .bind("id", id)
                .map(mapper)
                .findOne());
  }

  @Override
  public List<Chunk> chunks(String id, int afterSeq) {
    Objects.requireNonNull(id, "id");
    return tx.autocommit(null, h -> GenerationSql.chunks(h, id, afterSeq));
  }

  @Override
  public Page<Generation> list(GenerationQuery q) {
    GenerationSql.Bound page = GenerationSql.list(q);
    return ThreadRows.reading(() -> listOnce(q, page));
  }

  private Page<Generation> listOnce(GenerationQuery q, GenerationSql.Bound page) {
    return tx.autocommit(
        null,
        h -> {
          Query query = page.query(h);
          if (q.threadId().isPresent() || q.lastTurnsOnly()) {
            ThreadRows.planEachTime(query, dialect.sql());
          }
          List<StoredRow> stored = query.map(GenerationMapper.INSTANCE).list();
          boolean more = stored.size() > q.limit();
          List<Generation> rows =
              Attachments.complete(h, more ? stored.subList(0, q.limit()) : stored, dialect.sql());
          String next = null;
          if (more) {
            Generation last = rows.get(rows.size() - 1);
            next = new PageCursor(last.createdAt(), last.id()).encode();
          }
          return new Page<>(rows, next);
        });
  }

  @Override
  public List<SpendRow> spend(SpendQuery q) {
    SpendReport report = new SpendReport(dialect.sql(), q);
    return tx.autocommit(null, report::run);
  }

  @Override
  public List<Generation> findStale(Instant heartbeatBefore, int limit) {
    Objects.requireNonNull(heartbeatBefore, "heartbeatBefore");
    GenerationSql.Bound stale = sql.stale(heartbeatBefore, limit);
    return tx.autocommit(
        null,
        h -> {
          if (dialect.sql().keepsLeases()) {
            // The sweep also drops leases left by rows deleted while live: few, and never read.
            h.execute(GenerationSql.DROP_ENDED_LEASES);
          }
          return Attachments.complete(
              h, stale.query(h).map(GenerationMapper.INSTANCE).list(), dialect.sql());
        });
  }

  @Override
  public boolean delete(String id) {
    Objects.requireNonNull(id, "id");
    return RowDeletes.retryingRaces(
        () -> tx.inTransaction(id, h -> RowDeletes.delete(h, id, dialect.sql())));
  }

  /**
   * {@inheritDoc}
   *
   * <p>In transactions of {@value #USER_DELETE_BATCH} rows, newest first, so that no statement
   * grows with the user and a failure part-way leaves whole threads, finished by a repeat call.
   */
  @Override
  public int deleteByUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    int deleted = 0;
    for (int n = USER_DELETE_BATCH; n == USER_DELETE_BATCH; deleted += n) {
      n = deleteNewestOfUser(userId, USER_DELETE_BATCH);
    }
    return deleted;
  }

  /** One transaction of {@link #deleteByUser}: up to {@code batch} of the user's newest rows. */
  int deleteNewestOfUser(String userId, int batch) {
    return RowDeletes.retryingRaces(
        () ->
            tx.inTransaction(
                null, h -> RowDeletes.deleteNewestOfUser(h, userId, dialect.sql(), batch)));
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
    return "JdbcGenerationStore{" + dialect.lowerName() + '}';
  }

  // ---------------------------------------------------------------- building

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

    /**
     * Your Jdbi; it stays yours. The store registers its column types on it, all of them qualified
     * so that your own bindings and mappings do not change.
     */
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
      if (!jdbcUrl.strip().toLowerCase(Locale.ROOT).startsWith("jdbc:")) {
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
        owned = PoolDefaults.pool(jdbcUrl, username, password, maxPoolSize);
        j = Jdbi.create(owned);
      }
      try {
        Dialect d = Schema.open(j, dialect, schemaMode);
        if (d == Dialect.SQLITE && jdbi == null) {
          // SQLite checks foreign keys (a continuation's parent) only when each connection asks.
          j.getConfig(Handles.class).addListener(ForeignKeys.SQLITE);
        }
        j.installPlugin(new ColumnTypes(d.sql()));
        if (owned == null) {
          d.sql().checkSettings(j);
        }
        return new JdbcGenerationStore(j, d, owned, ForeignKeys.checked(j, d, jdbi == null));
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
  }
}
