package dev.genvault.jdbc;

import dev.genvault.PersistenceException;
import dev.genvault.spi.DedupCache;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jdbi.v3.core.statement.Update;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DedupCache} in your SQL database, beside the generations: dedup and single flight that
 * survive a restart and work across the instances that share the database, with no Redis.
 *
 * <pre>{@code
 * DedupCache cache = JdbcDedupCache.create(store);       // on the pool of a JdbcGenerationStore
 * DedupCache mine = JdbcDedupCache.create(dataSource);   // on your pool
 * }</pre>
 *
 * <p>One table, {@code genvault_dedup (cache_key, cache_value, expires_at)}, part of Genvault's
 * schema since version 2 (a store or this cache creates it on start, see {@link SchemaMode}). Each
 * call is one statement on one key through the primary key: a hit is one indexed read. {@link
 * #putIfAbsent} is atomic in the database: {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} the
 * row has expired on PostgreSQL and SQLite; on H2 an update of an expired row, else an insert that
 * a concurrent winner's unique key refuses. {@link #invalidateIf} and {@link #renewIf} compare the
 * value in the same statement.
 *
 * <p>Expiry is by this cache's {@link Clock} (epoch milliseconds), not the database's: the
 * instances sharing the table should have synchronised clocks, as a lease is only as exact as their
 * agreement. Expired rows are ignored on read and removed in small batches by the writes that come
 * at least {@link Builder#cleanupInterval} apart, or by {@link #removeExpired()}.
 *
 * <p>Every statement is bounded by {@link Builder#queryTimeout} (250 ms by default), so a slow
 * database fails open quickly: the call throws a {@link PersistenceException} and the generator
 * treats it as a miss. Waiting for a connection from the pool is bounded by the pool, not by this
 * timeout. Thread safe. It owns nothing to close: the pool is the store's or yours.
 */
public final class JdbcDedupCache implements DedupCache {
  private static final Logger log = LoggerFactory.getLogger(JdbcDedupCache.class);
  private static final int H2_ATTEMPTS = 3;

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final Clock clock;
  private final @Nullable StatementCustomizer timeout;
  private final int cleanupBatchSize;
  private final long cleanupIntervalMillis;
  private final AtomicLong nextCleanup = new AtomicLong(Long.MIN_VALUE);

  private JdbcDedupCache(Jdbi jdbi, Dialect dialect, Builder b) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.clock = b.clock;
    this.timeout = b.queryTimeout.isZero() ? null : new Timeout(dialect, b.queryTimeout);
    this.cleanupBatchSize = b.cleanupBatchSize;
    this.cleanupIntervalMillis = b.cleanupInterval.toMillis();
  }

  /**
   * A cache on your {@link DataSource} (it stays yours). Prepares Genvault's schema as a store does
   * (its tables and this cache's, whatever is missing), so it may start before the store.
   */
  public static JdbcDedupCache create(DataSource dataSource) {
    return builder().dataSource(dataSource).build();
  }

  /**
   * A cache on the same database and pool as {@code store}, whose start already prepared the table.
   * Closing the store closes the pool it made, and so ends this cache too.
   */
  public static JdbcDedupCache create(JdbcGenerationStore store) {
    return builder().store(store).build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<String> get(String key) {
    Objects.requireNonNull(key, "key");
    long now = clock.millis();
    return run(
        h ->
            bounded(h.createQuery(DedupSql.GET))
                .bind("key", key)
                .bind("now", now)
                .mapTo(String.class)
                .findOne());
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    long now = clock.millis();
    long expires = expiry(now, ttl);
    if (dialect == Dialect.H2) {
      run(
          h -> {
            for (int attempt = 1; ; attempt++) {
              try {
                return write(h, DedupSql.MERGE, key, value, expires, now).execute();
              } catch (JdbiException e) {
                // Two merges of a new key at once: the second meets the first's row; merge again.
                if (attempt >= H2_ATTEMPTS || !SqlErrors.isUniqueViolation(e)) {
                  throw e;
                }
              }
            }
          });
    } else {
      run(h -> write(h, DedupSql.UPSERT, key, value, expires, now).execute());
    }
    afterWrite(now);
  }

  @Override
  public boolean putIfAbsent(String key, String value, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    long now = clock.millis();
    long expires = expiry(now, ttl);
    boolean won =
        dialect == Dialect.H2
            ? run(h -> h2PutIfAbsent(h, key, value, expires, now))
            : run(h -> write(h, DedupSql.PUT_IF_ABSENT, key, value, expires, now).execute() == 1);
    if (won) {
      afterWrite(now);
    }
    return won;
  }

  /**
   * H2: take an expired row over (its row lock makes one of several callers win), else insert (the
   * primary key refuses all but one); a refused insert loses to a live row, or tries again if the
   * winner's row expired meanwhile.
   */
  private boolean h2PutIfAbsent(Handle h, String key, String value, long expires, long now) {
    for (int attempt = 1; attempt <= H2_ATTEMPTS; attempt++) {
      if (write(h, DedupSql.TAKE_EXPIRED, key, value, expires, now).execute() == 1) {
        return true;
      }
      try {
        write(h, DedupSql.INSERT, key, value, expires, now).execute();
        return true;
      } catch (JdbiException e) {
        if (!SqlErrors.isUniqueViolation(e)) {
          throw e;
        }
      }
      boolean live =
          bounded(h.createQuery(DedupSql.GET))
              .bind("key", key)
              .bind("now", now)
              .mapTo(String.class)
              .findOne()
              .isPresent();
      if (live) {
        return false;
      }
    }
    return false;
  }

  @Override
  public void invalidate(String key) {
    Objects.requireNonNull(key, "key");
    run(h -> bounded(h.createUpdate(DedupSql.DELETE)).bind("key", key).execute());
  }

  @Override
  public boolean invalidateIf(String key, String expected) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expected, "expected");
    long now = clock.millis();
    return run(
            h ->
                bounded(h.createUpdate(DedupSql.DELETE_IF))
                    .bind("key", key)
                    .bind("expected", expected)
                    .bind("now", now)
                    .execute())
        == 1;
  }

  @Override
  public boolean renewIf(String key, String expected, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expected, "expected");
    long now = clock.millis();
    long expires = expiry(now, ttl);
    return run(
            h ->
                bounded(h.createUpdate(DedupSql.RENEW_IF))
                    .bind("key", key)
                    .bind("expected", expected)
                    .bind("expires", expires)
                    .bind("now", now)
                    .execute())
        == 1;
  }

  /**
   * Removes one batch of expired rows ({@link Builder#cleanupBatchSize}, oldest first). Writes call
   * it on their own at most once per {@link Builder#cleanupInterval}; call it yourself to clean up
   * on a schedule of yours.
   *
   * @return the number of rows removed
   * @throws PersistenceException if the database fails
   */
  public int removeExpired() {
    return removeExpired(clock.millis());
  }

  private int removeExpired(long now) {
    return run(
        h ->
            bounded(h.createUpdate(DedupSql.REMOVE_EXPIRED))
                .bind("now", now)
                .bind("limit", cleanupBatchSize)
                .execute());
  }

  /** After a write: one batch of expired rows, if the last is an interval ago (or was full). */
  private void afterWrite(long now) {
    long due = nextCleanup.get();
    if (now < due || !nextCleanup.compareAndSet(due, now + cleanupIntervalMillis)) {
      return;
    }
    try {
      if (removeExpired(now) >= cleanupBatchSize) {
        nextCleanup.set(now); // more are waiting: the next write takes another batch
      }
    } catch (RuntimeException e) {
      log.debug(
          "removing expired dedup entries failed; the next interval tries again: {}", e.toString());
    }
  }

  private Update write(Handle h, String sql, String key, String value, long expires, long now) {
    return bounded(h.createUpdate(sql))
        .bind("key", key)
        .bind("value", value)
        .bind("expires", expires)
        .bind("now", now);
  }

  private <S extends SqlStatement<S>> S bounded(S statement) {
    return timeout == null ? statement : statement.addCustomizer(timeout);
  }

  private <T> T run(HandleCallback<T, SQLException> work) {
    try {
      return jdbi.withHandle(work);
    } catch (JdbiException | SQLException e) {
      throw new PersistenceException(
          "the dedup cache in " + dialect.lowerName() + " failed: " + e.getMessage(), e);
    }
  }

  private static long expiry(long now, Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    long millis = ttl.compareTo(Duration.ofDays(365_000)) > 0 ? Long.MAX_VALUE / 2 : ttl.toMillis();
    return now + Math.max(1, millis);
  }

  @Override
  public String toString() {
    return "JdbcDedupCache{" + dialect.lowerName() + '}';
  }

  /** Bounds each statement by the query timeout, as the dialect can. */
  private static final class Timeout implements StatementCustomizer {
    private final Dialect dialect;
    private final Duration limit;

    Timeout(Dialect dialect, Duration limit) {
      this.dialect = dialect;
      this.limit = limit;
    }

    @Override
    public void beforeExecution(PreparedStatement stmt, StatementContext ctx) throws SQLException {
      dialect.sql().limit(stmt, limit);
    }
  }

  /**
   * Builds a {@link JdbcDedupCache}. Give exactly one of a {@link DataSource}, a {@link Jdbi} or a
   * {@link JdbcGenerationStore} (whose pool and schema it then shares).
   */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private @Nullable Jdbi jdbi;
    private @Nullable JdbcGenerationStore store;
    private @Nullable Dialect dialect;
    private SchemaMode schemaMode = SchemaMode.CREATE_IF_MISSING;
    private Clock clock = Clock.systemUTC();
    private Duration queryTimeout = Duration.ofMillis(250);
    private int cleanupBatchSize = 100;
    private Duration cleanupInterval = Duration.ofMinutes(1);

    private Builder() {}

    private void source() {
      if (dataSource != null || jdbi != null || store != null) {
        throw new IllegalStateException("give one of dataSource, jdbi or store");
      }
    }

    /** Your connection pool; it stays yours. */
    public Builder dataSource(DataSource dataSource) {
      source();
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /** Your Jdbi; it stays yours and nothing is registered on it. */
    public Builder jdbi(Jdbi jdbi) {
      source();
      this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
      return this;
    }

    /** The pool, dialect and schema of a store (its schema mode applies; {@link #schema} not). */
    public Builder store(JdbcGenerationStore store) {
      source();
      this.store = Objects.requireNonNull(store, "store");
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

    /** The clock entries expire by; the system's UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The longest one statement may take before it fails (and the generator goes on without the
     * cache): 250 ms by default; zero for none. To the millisecond on PostgreSQL; on SQLite, how
     * long a write waits for the database's lock, rounded up to whole seconds; not applied on H2
     * (its driver would set it for the whole session).
     */
    public Builder queryTimeout(Duration timeout) {
      this.queryTimeout = notNegative("queryTimeout", timeout);
      return this;
    }

    /** The most expired rows one cleanup removes (default 100). */
    public Builder cleanupBatchSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("cleanupBatchSize must be at least 1: " + size);
      }
      this.cleanupBatchSize = size;
      return this;
    }

    /** How long a write waits after a cleanup before it runs another (default 1 min). */
    public Builder cleanupInterval(Duration interval) {
      this.cleanupInterval = notNegative("cleanupInterval", interval);
      return this;
    }

    private static Duration notNegative(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + value);
      }
      return value;
    }

    /**
     * Connects, checks the dialect and prepares the schema (unless it shares a store's).
     *
     * @throws PersistenceException if the database cannot be reached
     * @throws IllegalStateException for an unsupported database or a schema at another version
     */
    public JdbcDedupCache build() {
      if (store != null) {
        return new JdbcDedupCache(store.jdbi(), store.dialect(), this);
      }
      Jdbi j = jdbi;
      if (j == null) {
        if (dataSource == null) {
          throw new IllegalStateException("give a dataSource, a jdbi or a store");
        }
        j = Jdbi.create(dataSource);
      }
      try {
        return new JdbcDedupCache(j, Schema.open(j, dialect, schemaMode), this);
      } catch (JdbiException | SQLException e) {
        throw new PersistenceException("cannot reach the database at start: " + e.getMessage(), e);
      }
    }
  }
}
