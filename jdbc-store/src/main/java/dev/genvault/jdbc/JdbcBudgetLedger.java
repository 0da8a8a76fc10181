package dev.genvault.jdbc;

import dev.genvault.PersistenceException;
import dev.genvault.spi.BudgetLedger;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BudgetLedger} in the database, shared by every instance that uses it: PostgreSQL, SQLite
 * or H2. A reservation is one transaction of conditional updates, {@code UPDATE ... SET reserved =
 * reserved + :amount WHERE spent + reserved + :amount <= :limit}, one per counter in key order; a
 * counter that would go over updates no row and the transaction is rolled back. The database's row
 * locks make concurrent reservations, from any number of processes, take turns on a counter, so
 * none can overspend it.
 *
 * <p>Amounts are kept as whole picodollars (10⁻¹² US dollars) in 64-bit integers, exact on every
 * database (SQLite has no exact decimal arithmetic): reservations and spending are rounded up,
 * limits down. Its two tables, {@code genvault_budget_counters} and {@code
 * genvault_budget_reservations}, are created when missing.
 *
 * <pre>{@code
 * BudgetLedger ledger = JdbcBudgetLedger.create(store);   // on a JdbcGenerationStore's pool
 * }</pre>
 */
public final class JdbcBudgetLedger implements BudgetLedger {
  private static final int SCALE = 12;

  private static final String[] TABLES = {
    "CREATE TABLE IF NOT EXISTS genvault_budget_counters ("
        + " counter_key VARCHAR(1024) NOT NULL PRIMARY KEY,"
        + " spent BIGINT NOT NULL,"
        + " reserved BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS genvault_budget_reservations ("
        + " generation_id VARCHAR(64) NOT NULL,"
        + " counter_key VARCHAR(1024) NOT NULL,"
        + " amount BIGINT NOT NULL,"
        + " reserved_at BIGINT NOT NULL,"
        + " settled BIGINT,"
        + " PRIMARY KEY (generation_id, counter_key))",
    // The sweeper's question: open reservations older than the lease; and the cleanup's.
    "CREATE INDEX IF NOT EXISTS genvault_budget_open"
        + " ON genvault_budget_reservations (settled, reserved_at)"
  };

  private final Jdbi jdbi;
  private final Dialect dialect;

  private JdbcBudgetLedger(Jdbi jdbi, Dialect dialect) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    run(
        h -> {
          for (String ddl : TABLES) {
            h.execute(ddl);
          }
          return null;
        });
  }

  /** A ledger on the database and pool of a store; its tables are created when missing. */
  public static JdbcBudgetLedger create(JdbcGenerationStore store) {
    Objects.requireNonNull(store, "store");
    return new JdbcBudgetLedger(store.jdbi(), store.dialect());
  }

  /** A ledger on your {@link DataSource} (it stays yours); its tables are created when missing. */
  public static JdbcBudgetLedger create(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    Jdbi jdbi = Jdbi.create(dataSource);
    Dialect dialect;
    try {
      dialect = jdbi.withHandle(h -> Dialect.of(h.getConnection().getMetaData()));
    } catch (JdbiException | SQLException e) {
      throw new PersistenceException("cannot reach the database: " + e.getMessage(), e);
    }
    return new JdbcBudgetLedger(jdbi, dialect);
  }

  @Override
  public Optional<Counter> reserve(String generationId, List<Charge> charges, Instant at) {
    Objects.requireNonNull(generationId, "generationId");
    Objects.requireNonNull(at, "at");
    BudgetLedger.checkDistinct(charges);
    List<Charge> sorted =
        charges.stream().sorted(java.util.Comparator.comparing(Charge::key)).toList();
    return run(
        h ->
            h.inTransaction(
                TransactionIsolationLevel.READ_COMMITTED,
                tx -> {
                  if (tx.createQuery(
                              "SELECT COUNT(*) FROM genvault_budget_reservations"
                                  + " WHERE generation_id = :id")
                          .bind("id", generationId)
                          .mapTo(Long.class)
                          .one()
                      > 0) {
                    return Optional.<Counter>empty(); // reserved before: a retry
                  }
                  for (Charge c : sorted) {
                    ensureCounter(tx, c.key());
                    long amount = up(c.amount());
                    int updated =
                        tx.createUpdate(
                                "UPDATE genvault_budget_counters SET reserved = reserved + :amount"
                                    + " WHERE counter_key = :key"
                                    + " AND spent + reserved + :amount <= :limit")
                            .bind("amount", amount)
                            .bind("key", c.key())
                            .bind("limit", down(c.limit()))
                            .execute();
                    if (updated == 0) {
                      Counter over = counter(tx, c.key());
                      tx.rollback();
                      return Optional.of(over);
                    }
                    tx.createUpdate(
                            "INSERT INTO genvault_budget_reservations"
                                + " (generation_id, counter_key, amount, reserved_at)"
                                + " VALUES (:id, :key, :amount, :at)")
                        .bind("id", generationId)
                        .bind("key", c.key())
                        .bind("amount", amount)
                        .bind("at", at.toEpochMilli())
                        .execute();
                  }
                  return Optional.<Counter>empty();
                }));
  }

  /** Creates a counter at zero unless it exists (a concurrent creation is fine). */
  private void ensureCounter(Handle h, String key) {
    if (dialect == Dialect.H2) {
      // No ON CONFLICT: insert when absent, and a racing insert of the same key is no error.
      h.execute("SAVEPOINT genvault_counter");
      try {
        h.createUpdate(
                "INSERT INTO genvault_budget_counters (counter_key, spent, reserved)"
                    + " SELECT :key, 0, 0 WHERE NOT EXISTS"
                    + " (SELECT 1 FROM genvault_budget_counters WHERE counter_key = :key)")
            .bind("key", key)
            .execute();
        h.execute("RELEASE SAVEPOINT genvault_counter");
      } catch (JdbiException e) {
        if (!SqlErrors.isUniqueViolation(e)) {
          throw e;
        }
        h.execute("ROLLBACK TO SAVEPOINT genvault_counter");
      }
    } else {
      h.createUpdate(
              "INSERT INTO genvault_budget_counters (counter_key, spent, reserved)"
                  + " VALUES (:key, 0, 0) ON CONFLICT (counter_key) DO NOTHING")
          .bind("key", key)
          .execute();
    }
  }

  @Override
  public void settle(String generationId, BigDecimal actualCost) {
    Objects.requireNonNull(generationId, "generationId");
    long actual = up(Objects.requireNonNull(actualCost, "actualCost"));
    run(
        h ->
            h.inTransaction(
                TransactionIsolationLevel.READ_COMMITTED,
                tx -> {
                  // Locked: of two settles at once, the second sees what the first settled.
                  List<Held> held =
                      tx.createQuery(
                              "SELECT counter_key, amount, settled FROM genvault_budget_reservations"
                                  + " WHERE generation_id = :id ORDER BY counter_key"
                                  + dialect.sql().forUpdate())
                          .bind("id", generationId)
                          .map(
                              (rs, ctx) -> {
                                String key = rs.getString(1);
                                long amount = rs.getLong(2);
                                long settled = rs.getLong(3);
                                return new Held(key, amount, rs.wasNull() ? null : settled);
                              })
                          .list();
                  for (Held r : held) {
                    long spend;
                    long unreserve;
                    if (r.settled() == null) {
                      spend = actual;
                      unreserve = r.amount();
                    } else if (actual > r.settled()) {
                      spend = actual - r.settled(); // settled low before (by a sweeper): top up
                      unreserve = 0;
                    } else {
                      continue;
                    }
                    tx.createUpdate(
                            "UPDATE genvault_budget_reservations SET settled = :actual"
                                + " WHERE generation_id = :id AND counter_key = :key")
                        .bind("actual", actual)
                        .bind("id", generationId)
                        .bind("key", r.key())
                        .execute();
                    tx.createUpdate(
                            "UPDATE genvault_budget_counters SET reserved = reserved - :unreserve,"
                                + " spent = spent + :spend WHERE counter_key = :key")
                        .bind("unreserve", unreserve)
                        .bind("spend", spend)
                        .bind("key", r.key())
                        .execute();
                  }
                  return null;
                }));
  }

  @Override
  public Optional<BigDecimal> reservation(String generationId) {
    Objects.requireNonNull(generationId, "generationId");
    return run(
        h ->
            h.createQuery(
                    "SELECT MAX(amount) FROM genvault_budget_reservations"
                        + " WHERE generation_id = :id")
                .bind("id", generationId)
                .map(
                    (rs, ctx) -> {
                      long amount = rs.getLong(1);
                      return rs.wasNull() ? null : usd(amount);
                    })
                .findOne()
                .flatMap(Optional::ofNullable));
  }

  private record Held(String key, long amount, @Nullable Long settled) {}

  @Override
  public Counter counter(String key) {
    Objects.requireNonNull(key, "key");
    return run(h -> counter(h, key));
  }

  private static Counter counter(Handle h, String key) {
    return h.createQuery(
            "SELECT spent, reserved FROM genvault_budget_counters WHERE counter_key = :key")
        .bind("key", key)
        .map((rs, ctx) -> new Counter(key, usd(rs.getLong(1)), usd(rs.getLong(2))))
        .findOne()
        .orElse(new Counter(key, BigDecimal.ZERO, BigDecimal.ZERO));
  }

  @Override
  public List<String> reservedBefore(Instant before, int limit) {
    Objects.requireNonNull(before, "before");
    return run(
        h -> {
          // Settled reservations are kept two days for late settlements, then forgotten.
          h.createUpdate(
                  "DELETE FROM genvault_budget_reservations"
                      + " WHERE settled IS NOT NULL AND reserved_at < :forgotten")
              .bind("forgotten", before.minus(java.time.Duration.ofDays(2)).toEpochMilli())
              .execute();
          return h.createQuery(
                  "SELECT generation_id FROM genvault_budget_reservations"
                      + " WHERE settled IS NULL AND reserved_at < :before GROUP BY generation_id"
                      + " ORDER BY MIN(reserved_at) LIMIT :limit")
              .bind("before", before.toEpochMilli())
              .bind("limit", limit)
              .mapTo(String.class)
              .list();
        });
  }

  private <T> T run(HandleCallback<T, SQLException> work) {
    try {
      return jdbi.withHandle(work);
    } catch (JdbiException | SQLException e) {
      throw new PersistenceException(
          "the budget ledger in " + dialect.lowerName() + " failed: " + e.getMessage(), e);
    }
  }

  private static long up(BigDecimal usd) {
    return usd.setScale(SCALE, RoundingMode.CEILING).unscaledValue().longValueExact();
  }

  private static long down(BigDecimal usd) {
    return usd.setScale(SCALE, RoundingMode.FLOOR).unscaledValue().longValueExact();
  }

  private static BigDecimal usd(long picodollars) {
    return picodollars == 0
        ? BigDecimal.ZERO
        : BigDecimal.valueOf(picodollars, SCALE).stripTrailingZeros();
  }

  @Override
  public String toString() {
    return "JdbcBudgetLedger{" + dialect.lowerName() + '}';
  }
}
