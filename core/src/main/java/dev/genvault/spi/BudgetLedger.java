package dev.genvault.spi;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where budget counters live: for each counter (a budget, its owner and its period, named by an
 * opaque key), what was spent and what is reserved by generations still running. A reservation is
 * made before a generation's provider call and settled by its actual cost when it ends.
 *
 * <p><b>Atomic:</b> {@link #reserve} reserves on every counter it is given or on none, and never
 * lets {@code spent + reserved} of a counter go over its limit, whatever other threads and
 * processes sharing the ledger do at the same time. {@link #settle} is idempotent.
 *
 * <p><b>Amounts</b> are US dollars, never negative. A ledger may keep them rounded up to 10⁻¹²
 * dollars (reservations and spending up, which errs on the safe side).
 *
 * <p>Implementations must be thread safe. Failures are {@link dev.genvault.PersistenceException}s.
 * The contract is tested by {@code dev.genvault.tck.BudgetLedgerContract}.
 */
public interface BudgetLedger {

  /** A new, empty in-memory ledger, for one process: tests and single-instance apps. */
  static BudgetLedger inMemory() {
    return new InMemoryBudgetLedger();
  }

  /**
   * An amount to reserve on one counter.
   *
   * @param key the counter: a budget, its owner and its period (at most 1,024 characters)
   * @param limit the most {@code spent + reserved} may reach
   * @param amount the amount to reserve
   */
  record Charge(String key, BigDecimal limit, BigDecimal amount) {
    /** Checks the fields. */
    public Charge {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(limit, "limit");
      Objects.requireNonNull(amount, "amount");
      if (key.isEmpty() || key.length() > 1024) {
        throw new IllegalArgumentException("a counter key is 1 to 1,024 characters");
      }
      if (limit.signum() < 0 || amount.signum() < 0) {
        throw new IllegalArgumentException("a limit or an amount is never negative");
      }
    }
  }

  /**
   * A counter's state.
   *
   * @param key the counter
   * @param spent the settled costs
   * @param reserved the reservations of generations not settled yet
   */
  record Counter(String key, BigDecimal spent, BigDecimal reserved) {
    /** Checks the fields. */
    public Counter {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(spent, "spent");
      Objects.requireNonNull(reserved, "reserved");
    }
  }

  /**
   * Reserves each charge's amount on its counter for a generation, all or none, as one atomic step.
   * A generation that holds reservations already is left as it is (a retry): reserved.
   *
   * @param charges charges on distinct counters
   * @param at when, for {@link #reservedBefore}
   * @return empty when reserved; else the state of the first counter that would go over its limit
   *     (nothing is reserved then)
   */
  Optional<Counter> reserve(String generationId, List<Charge> charges, Instant at);

  /**
   * Checks that charges name distinct counters.
   *
   * @throws IllegalArgumentException for two charges on one counter
   */
  static void checkDistinct(List<Charge> charges) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (Charge c : charges) {
      if (!keys.add(c.key())) {
        throw new IllegalArgumentException("two charges on one counter: " + c.key());
      }
    }
  }

  /**
   * Replaces each reservation of a generation by its actual cost on the same counter: {@code
   * reserved} drops by the reservation, {@code spent} rises by {@code actualCost}. Zero releases
   * the reservation. A generation settled already is settled again only upwards: a higher cost (its
   * process finished after a sweeper had settled it as interrupted) adds the difference to {@code
   * spent}; the same or a lower one changes nothing. A generation never reserved changes nothing. A
   * ledger keeps settled reservations long enough for such late settlements (at least a day).
   */
  void settle(String generationId, BigDecimal actualCost);

  /**
   * The amount reserved for a generation (the same on each counter), settled or not, as long as the
   * ledger keeps it; empty for a generation never reserved.
   */
  Optional<BigDecimal> reservation(String generationId);

  /** A counter's state; zeros for a counter never charged. */
  Counter counter(String key);

  /**
   * Generations holding reservations not settled yet, made before {@code before}, oldest first, at
   * most {@code limit}: what the sweeper checks for reservations a dead process left behind.
   */
  List<String> reservedBefore(Instant before, int limit);
}
