package dev.genvault.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.spi.BudgetLedger;
import dev.genvault.spi.BudgetLedger.Charge;
import dev.genvault.spi.BudgetLedger.Counter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link BudgetLedger} keeps: all-or-none reservations that never take a counter
 * over its limit, even when many threads race; settlement that is idempotent; and the list of old
 * reservations a sweeper reconciles. Extend it and implement {@link #createLedger()}. Amounts have
 * at most 12 decimals, which every ledger keeps exactly.
 */
public abstract class BudgetLedgerContract {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** The ledger under test. */
  protected BudgetLedger ledger;

  /** A new ledger; counters of other tests may be in it (keys are unique per test). */
  protected abstract BudgetLedger createLedger() throws Exception;

  /** Releases the ledger after each test; does nothing by default. */
  protected void closeLedger(BudgetLedger ledger) throws Exception {}

  @BeforeEach
  void setUpLedger() throws Exception {
    ledger = createLedger();
  }

  @AfterEach
  void tearDownLedger() throws Exception {
    closeLedger(ledger);
  }

  private static String key(String name) {
    return "tck|" + name + "|" + UUID.randomUUID();
  }

  private static String id() {
    return UUID.randomUUID().toString().substring(0, 21);
  }

  private static Charge charge(String key, String limit, String amount) {
    return new Charge(key, new BigDecimal(limit), new BigDecimal(amount));
  }

  private void assertCounter(String key, String spent, String reserved) {
    Counter c = ledger.counter(key);
    assertThat(c.spent()).as("spent on " + key).isEqualByComparingTo(spent);
    assertThat(c.reserved()).as("reserved on " + key).isEqualByComparingTo(reserved);
  }

  @Test
  void reserves_up_to_the_limit_exactly_and_refuses_past_it() {
    String user = key("user");
    assertThat(ledger.reserve(id(), List.of(charge(user, "1", "0.4")), T0)).isEmpty();
    assertThat(ledger.reserve(id(), List.of(charge(user, "1", "0.6")), T0)).isEmpty();
    assertCounter(user, "0", "1");
    Optional<Counter> over = ledger.reserve(id(), List.of(charge(user, "1", "0.000000000001")), T0);
    assertThat(over).isPresent();
    assertThat(over.get().key()).isEqualTo(user);
    assertThat(over.get().reserved()).isEqualByComparingTo("1");
    assertCounter(user, "0", "1");
  }

  @Test
  void a_reservation_on_several_counters_is_all_or_none() {
    String user = key("user");
    String tenant = key("tenant");
    assertThat(ledger.reserve(id(), List.of(charge(tenant, "1", "0.9")), T0)).isEmpty();
    Optional<Counter> over =
        ledger.reserve(id(), List.of(charge(user, "5", "0.2"), charge(tenant, "1", "0.2")), T0);
    assertThat(over).map(Counter::key).contains(tenant);
    assertCounter(user, "0", "0");
    assertCounter(tenant, "0", "0.9");
  }

  @Test
  void settling_replaces_the_reservation_by_the_cost_once() {
    String user = key("user");
    String tenant = key("tenant");
    String g = id();
    assertThat(ledger.reserve(g, List.of(charge(user, "1", "0.5"), charge(tenant, "9", "0.5")), T0))
        .isEmpty();
    ledger.settle(g, new BigDecimal("0.123456789012"));
    assertCounter(user, "0.123456789012", "0");
    assertCounter(tenant, "0.123456789012", "0");
    ledger.settle(g, new BigDecimal("0.1")); // again, lower: nothing changes
    assertCounter(user, "0.123456789012", "0");
    // A reservation made again for a generation that holds one is a retry: kept as it is.
    String h = id();
    assertThat(ledger.reserve(h, List.of(charge(user, "1", "0.1")), T0)).isEmpty();
    assertThat(ledger.reserve(h, List.of(charge(user, "1", "0.1")), T0)).isEmpty();
    assertCounter(user, "0.123456789012", "0.1");
    // Releasing is settling at zero; settling what was never reserved changes nothing.
    ledger.settle(h, BigDecimal.ZERO);
    ledger.settle(id(), BigDecimal.ONE);
    assertCounter(user, "0.123456789012", "0");
    // Spent counts against the limit.
    assertThat(ledger.reserve(id(), List.of(charge(user, "1", "0.9")), T0)).isPresent();
    assertThat(ledger.reserve(id(), List.of(charge(user, "1", "0.876543210988")), T0)).isEmpty();
  }

  @Test
  void a_later_higher_settlement_tops_up_and_a_lower_one_changes_nothing() {
    String user = key("user");
    String g = id();
    ledger.reserve(g, List.of(charge(user, "1", "0.5")), T0);
    assertThat(ledger.reservation(g))
        .hasValueSatisfying(r -> assertThat(r).isEqualByComparingTo("0.5"));
    ledger.settle(g, new BigDecimal("0.1")); // a sweeper, from the text it saw
    assertThat(ledger.reservation(g)) // still known, for the settlement that may follow
        .hasValueSatisfying(r -> assertThat(r).isEqualByComparingTo("0.5"));
    ledger.settle(g, new BigDecimal("0.3")); // the process itself, later, with the real cost
    assertCounter(user, "0.3", "0");
    ledger.settle(g, new BigDecimal("0.2"));
    ledger.settle(g, new BigDecimal("0.3"));
    assertCounter(user, "0.3", "0");
    assertThat(ledger.reservation(id())).isEmpty();
  }

  @Test
  void two_charges_on_one_counter_are_refused() {
    String user = key("user");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ledger.reserve(
                    id(), List.of(charge(user, "1", "0.1"), charge(user, "1", "0.1")), T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertCounter(user, "0", "0");
  }

  @Test
  void old_reservations_are_listed_oldest_first_until_settled() {
    String user = key("user");
    String old = id();
    String older = id();
    String fresh = id();
    ledger.reserve(old, List.of(charge(user, "9", "1")), T0.minusSeconds(60));
    ledger.reserve(older, List.of(charge(user, "9", "1")), T0.minusSeconds(120));
    ledger.reserve(fresh, List.of(charge(user, "9", "1")), T0);
    List<String> listed = ledger.reservedBefore(T0.minusSeconds(1), 1000);
    assertThat(listed).containsSubsequence(older, old).doesNotContain(fresh);
    ledger.settle(older, BigDecimal.ZERO);
    assertThat(ledger.reservedBefore(T0.minusSeconds(1), 1000)).contains(old).doesNotContain(older);
  }

  @Test
  void racing_reservations_never_overspend() throws Exception {
    String user = key("user");
    String tenant = key("tenant");
    int threads = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<Boolean> reserve =
            () -> {
              start.await();
              return ledger
                  .reserve(id(), List.of(charge(user, "100", "1"), charge(tenant, "7", "1")), T0)
                  .isEmpty();
            };
        results.add(pool.submit(reserve));
      }
      start.countDown();
      int reserved = 0;
      for (Future<Boolean> r : results) {
        reserved += r.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(reserved).isEqualTo(7);
      assertCounter(tenant, "0", "7");
      assertCounter(user, "0", "7");
    } finally {
      pool.shutdownNow();
    }
  }
}
