package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;
import static org.awaitility.Awaitility.await;

import dev.genvault.cost.ModelPrice;
import dev.genvault.cost.Pricing;
import dev.genvault.spi.BudgetLedger;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets on the generator: reservation before the call, settlement after it, release of what a
 * dead process held, and periods. Prices: $1 per million input tokens, $2 per million output. A
 * request's input is bounded by one token per byte of the request as stored and 4 per message (and
 * one more); a generation of at most 1,000 output tokens may cost that at $1 and $0.002.
 */
class BudgetsTest {
  private static final String MODEL = "budget-model";
  private static final BigDecimal MOST = most(ask("ann", "acme"));
  private static final Pricing PRICES =
      Pricing.builder().override(MODEL, ModelPrice.of("1", "2")).build();

  private final TestClock clock = new TestClock(Instant.parse("2026-11-29T23:00:00Z"));
  private final GenerationStore store = GenerationStore.inMemory();
  private final BudgetLedger ledger = BudgetLedger.inMemory();
  private final List<PersistentGenerator> generators = new ArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() {
    release.countDown();
    generators.forEach(PersistentGenerator::close);
  }

  private PersistentGenerator generator(TestClock clock, Budget... budgets) {
    Budgets.Builder b = Budgets.builder().ledger(ledger);
    for (Budget budget : budgets) {
      b.add(budget);
    }
    PersistentGenerator g =
        PersistentGenerator.builder()
            .store(store)
            .cache(DedupCache.none())
            .clock(clock)
            .costCalculator(PRICES)
            .lease(Duration.ofSeconds(60))
            .budgets(b.build())
            .build();
    generators.add(g);
    return g;
  }

  /** The largest possible cost of a request of at most 1,000 output tokens, by hand. */
  private static BigDecimal most(GenerationRequest r) {
    long input =
        dev.genvault.internal.RecordJson.request(r)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length
            + 4L * (r.conversation().size() + 1);
    return BigDecimal.valueOf(input).movePointLeft(6).add(new BigDecimal("0.002"));
  }

  private static GenerationRequest ask(String user, String tenant) {
    return GenerationRequest.builder()
        .model(MODEL)
        .prompt("hello")
        .maxOutputTokens(1000)
        .userId(user)
        .tenantId(tenant)
        .build();
  }

  /** Answers 100 tokens (cost $0.000209) once the test releases it. */
  private ModelClient waiting() {
    return call -> {
      calls.incrementAndGet();
      release.await(30, TimeUnit.SECONDS);
      call.emit("answer");
      return ModelResult.builder().usage(Usage.of(9, 100)).build();
    };
  }

  private static Budget user(BigDecimal limit) {
    return Budget.perUser(limit.toPlainString(), Budget.Period.DAY);
  }

  @Test
  void a_generation_over_the_budget_is_refused_before_its_row_and_its_call() {
    PersistentGenerator genvault = generator(clock, user(MOST.multiply(BigDecimal.valueOf(3))));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(genvault.submit(ask("ann", "acme"), waiting()));
    }
    assertThatThrownBy(() -> genvault.submit(ask("ann", "acme"), waiting()))
        .asInstanceOf(type(BudgetExceededException.class))
        .satisfies(
            e -> {
              assertThat(e.owner()).isEqualTo("ann");
              assertThat(e.limit()).isEqualByComparingTo(MOST.multiply(BigDecimal.valueOf(3)));
              assertThat(e.spent()).isEqualByComparingTo("0");
              assertThat(e.reserved()).isEqualByComparingTo(MOST.multiply(BigDecimal.valueOf(3)));
              assertThat(e.requested()).isEqualByComparingTo(MOST);
              assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
              assertThat(e.budget().scope()).isEqualTo(Budget.Scope.USER);
              assertThat(e.getMessage()).contains("ann", "2026-11-30T00:00:00Z");
            });
    assertThat(store.list(GenerationQuery.builder().build()).items()).hasSize(3);
    // Another user has a budget of their own.
    ids.add(genvault.submit(ask("bob", "acme"), waiting()));

    release.countDown();
    for (String id : ids) {
      assertThat(genvault.follow(id).result().status()).isEqualTo(GenerationStatus.COMPLETE);
    }
    assertThat(calls).hasValue(4);
    // Settled: each cost 9 x $1 + 100 x $2 per million = $0.000209.
    BudgetStatus ann = genvault.budgetStatus("ann", "acme").get(0);
    assertThat(ann.spent()).isEqualByComparingTo("0.000627");
    assertThat(ann.reserved()).isEqualByComparingTo("0");
    assertThat(ann.remaining())
        .isEqualByComparingTo(
            MOST.multiply(BigDecimal.valueOf(3)).subtract(new BigDecimal("0.000627")));
    assertThat(ann.resetsAt()).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
    assertThat(genvault.generate(ask("ann", "acme"), waiting()).status())
        .isEqualTo(GenerationStatus.COMPLETE);
  }

  @Test
  void every_budget_that_applies_must_have_room() {
    PersistentGenerator genvault =
        generator(
            clock,
            user(new BigDecimal("1")),
            Budget.perTenant(MOST.toPlainString(), Budget.Period.MONTH));
    genvault.submit(ask("ann", "acme"), waiting());
    assertThatThrownBy(() -> genvault.submit(ask("bob", "acme"), waiting()))
        .asInstanceOf(type(BudgetExceededException.class))
        .satisfies(
            e -> {
              assertThat(e.owner()).isEqualTo("acme");
              assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
            });
    // Bob's own budget was left untouched by the refusal.
    List<BudgetStatus> bob = genvault.budgetStatus("bob", "acme");
    assertThat(bob.get(0).reserved()).as("bob's own").isEqualByComparingTo("0");
    assertThat(bob.get(1).reserved()).as("acme's, ann's run").isEqualByComparingTo(MOST);
    assertThat(genvault.budgetStatus("bob", null).get(0).reserved()).isEqualByComparingTo("0");
  }

  @Test
  void a_failure_releases_its_reservation_or_counts_the_text_that_arrived() {
    PersistentGenerator genvault = generator(clock, user(new BigDecimal("1")));
    assertThatThrownBy(
            () ->
                genvault.generate(
                    ask("ann", "acme"),
                    call -> {
                      throw new ProviderException(ErrorType.RATE_LIMITED, "429");
                    }))
        .isInstanceOf(GenerationFailedException.class);
    BudgetStatus before = genvault.budgetStatus("ann", "acme").get(0);
    assertThat(before.spent()).isEqualByComparingTo("0");
    assertThat(before.reserved()).isEqualByComparingTo("0");

    assertThatThrownBy(
            () ->
                genvault.generate(
                    ask("ann", "acme"),
                    call -> {
                      call.emit("abc");
                      throw new ProviderException(ErrorType.PROVIDER_ERROR, "stream cut");
                    }))
        .isInstanceOf(GenerationFailedException.class);
    // Billed at most: the input bound (the stored request's bytes and 4 tokens per message) and 3
    // output tokens (one per byte), at most what was reserved.
    BudgetStatus after = genvault.budgetStatus("ann", "acme").get(0);
    assertThat(after.spent()).isGreaterThan(new BigDecimal("0.000006")).isLessThan(MOST);
    assertThat(after.reserved()).isEqualByComparingTo("0");
  }

  @Test
  void a_model_without_a_price_is_refused_unless_allowed() {
    PersistentGenerator genvault = generator(clock, user(new BigDecimal("1")));
    GenerationRequest unpriced =
        GenerationRequest.builder().model("no-price-anywhere").prompt("x").userId("ann").build();
    assertThatThrownBy(() -> genvault.generate(unpriced, waiting()))
        .isInstanceOf(UnpricedModelException.class)
        .hasMessageContaining("no-price-anywhere")
        .hasMessageContaining("allowUnpriced");
    assertThat(calls).hasValue(0);
    assertThat(store.list(GenerationQuery.builder().build()).items()).isEmpty();

    PersistentGenerator lenient =
        PersistentGenerator.builder()
            .store(GenerationStore.inMemory())
            .cache(DedupCache.none())
            .costCalculator(PRICES)
            .budgets(
                Budgets.builder()
                    .ledger(BudgetLedger.inMemory())
                    .add(user(BigDecimal.ONE))
                    .allowUnpriced(true)
                    .build())
            .build();
    generators.add(lenient);
    release.countDown();
    assertThat(lenient.generate(unpriced, waiting()).status()).isEqualTo(GenerationStatus.COMPLETE);
    // A request without a user is not limited by a per-user budget.
    assertThat(
            genvault
                .generate(GenerationRequest.builder().model(MODEL).prompt("x").build(), waiting())
                .status())
        .isEqualTo(GenerationStatus.COMPLETE);
  }

  @Test
  void a_new_period_starts_from_zero() {
    TestClock late = new TestClock(Instant.parse("2026-11-29T23:59:00Z"));
    PersistentGenerator genvault = generator(late, user(MOST));
    release.countDown();
    genvault.generate(ask("ann", "acme"), waiting()); // spends $0.000209 of $0.002009
    assertThatThrownBy(() -> genvault.generate(ask("ann", "acme"), waiting()))
        .isInstanceOf(BudgetExceededException.class);
    late.advance(Duration.ofMinutes(1)); // midnight, UTC
    assertThat(genvault.generate(ask("ann", "acme"), waiting()).status())
        .isEqualTo(GenerationStatus.COMPLETE);
    BudgetStatus today = genvault.budgetStatus("ann", "acme").get(0);
    assertThat(today.spent()).isEqualByComparingTo("0.000209");
    assertThat(today.resetsAt()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));

    // In another zone the day ends at its own midnight.
    Budget paris = user(MOST).zone(java.time.ZoneId.of("Europe/Paris"));
    assertThat(paris.resetsAt(Instant.parse("2026-11-29T22:30:00Z")))
        .isEqualTo(Instant.parse("2026-11-29T23:00:00Z"));
  }

  @Test
  void the_sweeper_releases_what_a_dead_process_held() {
    TestClock frozen = new TestClock(Instant.parse("2026-11-29T10:00:00Z"));
    PersistentGenerator dead = generator(frozen, user(new BigDecimal("1")));
    String id = dead.submit(ask("ann", "acme"), waiting());
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
    // A reservation whose row was never written (the process died in between).
    Budget budget = user(new BigDecimal("1"));
    ledger.reserve(
        "orphan",
        List.of(
            new BudgetLedger.Charge(
                budget.counterKey(ask("ann", "acme"), frozen.instant()), BigDecimal.ONE, MOST)),
        frozen.instant());
    assertThat(dead.budgetStatus("ann", "acme").get(0).reserved())
        .isEqualByComparingTo(MOST.multiply(BigDecimal.valueOf(2)));

    // Another process, three minutes later: the first one's heartbeat is older than the lease.
    TestClock later = new TestClock(Instant.parse("2026-11-29T10:03:00Z"));
    PersistentGenerator sweeper = generator(later, user(new BigDecimal("1")));
    assertThat(sweeper.sweep()).isEqualTo(1);
    assertThat(store.find(id).orElseThrow().errorType()).isEqualTo(ErrorType.INTERRUPTED);
    BudgetStatus ann = sweeper.budgetStatus("ann", "acme").get(0);
    assertThat(ann.reserved()).isEqualByComparingTo("0");
    assertThat(ann.spent()).isEqualByComparingTo("0");
    assertThat(ledger.reservedBefore(later.instant(), 10)).isEmpty();

    // It was not dead after all: when it finishes, what its call cost is counted in full.
    release.countDown();
    assertThat(dead.follow(id).result().status()).isEqualTo(GenerationStatus.ERROR);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(sweeper.budgetStatus("ann", "acme").get(0).spent())
                    .isEqualByComparingTo("0.000209"));
  }

  @Test
  void a_late_finish_of_unknown_cost_after_a_sweep_counts_its_reservation() {
    TestClock frozen = new TestClock(Instant.parse("2026-11-29T10:00:00Z"));
    PersistentGenerator slow = generator(frozen, user(new BigDecimal("1")));
    String id =
        slow.submit(
            ask("ann", "acme"),
            call -> {
              calls.incrementAndGet();
              release.await(30, TimeUnit.SECONDS);
              return ModelResult.builder().build(); // no usage: the cost is unknown
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
    PersistentGenerator sweeper =
        generator(new TestClock(Instant.parse("2026-11-29T10:03:00Z")), user(new BigDecimal("1")));
    assertThat(sweeper.sweep()).isEqualTo(1); // settled at 0: no text had arrived
    assertThat(sweeper.budgetStatus("ann", "acme").get(0).spent()).isEqualByComparingTo("0");
    release.countDown();
    slow.follow(id).result();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(sweeper.budgetStatus("ann", "acme").get(0).spent())
                    .isEqualByComparingTo(MOST));
  }

  @Test
  void provider_parameters_that_would_pass_the_reservation_are_refused() {
    PersistentGenerator genvault = generator(clock, user(new BigDecimal("1")));
    for (String name : List.of("max_tokens", "max_completion_tokens", "n", "partial_images")) {
      GenerationRequest sneaky = ask("ann", "acme").toBuilder().parameter(name, "100000").build();
      assertThatThrownBy(() -> genvault.submit(sneaky, waiting()))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(name);
    }
    // A request that could cost more than any ledger holds is refused like any other.
    GenerationRequest huge =
        ask("ann", "acme").toBuilder().maxOutputTokens(Integer.MAX_VALUE).n(128).build();
    assertThatThrownBy(() -> genvault.submit(huge, waiting()))
        .isInstanceOf(BudgetExceededException.class);
    assertThat(store.list(GenerationQuery.builder().build()).items()).isEmpty();
    assertThat(calls).hasValue(0);
  }

  @Test
  void a_request_without_an_output_limit_is_sent_with_the_cap_it_is_reserved_for() {
    PersistentGenerator genvault = generator(clock, user(new BigDecimal("1")));
    java.util.concurrent.atomic.AtomicReference<Integer> sent =
        new java.util.concurrent.atomic.AtomicReference<>();
    GenerationRequest open =
        GenerationRequest.builder().model(MODEL).prompt("hello").userId("ann").n(2).build();
    genvault.generate(
        open,
        call -> {
          sent.set(call.request().maxOutputTokens());
          return ModelResult.builder().build(); // no usage: the cost is unknown
        });
    assertThat(sent.get()).isEqualTo(Budgets.DEFAULT_MAX_OUTPUT_TOKENS);
    // No usage reported: the whole reservation counts, two choices of 4,096 tokens at $2 per
    // million and the input bound (the stored request's bytes) at $1.
    BigDecimal spent = genvault.budgetStatus("ann", null).get(0).spent();
    assertThat(spent)
        .isGreaterThan(new BigDecimal("0.016384"))
        .isLessThan(new BigDecimal("0.0166"));
    // A request without a user runs as asked: no budget applies to it.
    genvault.generate(
        GenerationRequest.builder().model(MODEL).prompt("hello").build(),
        call -> {
          sent.set(call.request().maxOutputTokens());
          return ModelResult.builder().build();
        });
    assertThat(sent.get()).isNull();
  }

  @Test
  void two_budgets_of_one_scope_period_and_zone_are_refused() {
    Budgets.Builder b =
        Budgets.builder().ledger(ledger).add(Budget.perUser("1", Budget.Period.DAY));
    assertThatThrownBy(
            () -> b.add(Budget.perUser("2", Budget.Period.DAY).zone(java.time.ZoneId.of("UTC"))))
        .isInstanceOf(IllegalArgumentException.class);
    b.add(Budget.perUser("20", Budget.Period.MONTH));
  }
}
