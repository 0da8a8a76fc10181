package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.Budget;
import dev.genvault.BudgetExceededException;
import dev.genvault.BudgetStatus;
import dev.genvault.Budgets;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.Usage;
import dev.genvault.cost.ModelPrice;
import dev.genvault.cost.Pricing;
import dev.genvault.spi.DedupCache;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two instances of an application, each with its own pool, store, ledger and generator, on one
 * PostgreSQL: 50 threads race for a budget that fits exactly 10 generations at their largest cost.
 */
class BudgetRaceTest {
  private static final String MODEL = "race-model";

  /**
   * The largest cost of a request of at most 1,000 output tokens at $1 and $2 per million: its
   * input bound (one token per byte of the stored request, 4 per message and one more) and $0.002.
   */
  private static BigDecimal most(GenerationRequest r) {
    long input =
        dev.genvault.internal.RecordJson.request(r)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length
            + 4L * (r.conversation().size() + 1);
    return BigDecimal.valueOf(input).movePointLeft(6).add(new BigDecimal("0.002"));
  }

  @Test
  void fifty_threads_on_two_instances_get_exactly_ten_generations_and_no_more_calls()
      throws Exception {
    String user = "racer-" + UUID.randomUUID();
    GenerationRequest request =
        GenerationRequest.builder()
            .model(MODEL)
            .prompt("hello")
            .maxOutputTokens(1000)
            .userId(user)
            .build();
    Budget budget =
        Budget.perUser(most(request).multiply(BigDecimal.TEN).toPlainString(), Budget.Period.DAY);
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    ModelClient model =
        call -> {
          calls.incrementAndGet();
          release.await(60, TimeUnit.SECONDS);
          call.emit("ok");
          return ModelResult.builder().usage(Usage.of(9, 100)).build();
        };
    List<JdbcGenerationStore> stores = new ArrayList<>();
    List<PersistentGenerator> instances = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(50);
    try {
      for (int i = 0; i < 2; i++) {
        JdbcGenerationStore store =
            JdbcGenerationStore.builder()
                .jdbcUrl(Postgres.server().getJdbcUrl("postgres", "postgres"))
                .maxPoolSize(8)
                .build();
        stores.add(store);
        instances.add(
            PersistentGenerator.builder()
                .store(store)
                .cache(DedupCache.none())
                .costCalculator(Pricing.builder().override(MODEL, ModelPrice.of("1", "2")).build())
                .budgets(
                    Budgets.builder().ledger(JdbcBudgetLedger.create(store)).add(budget).build())
                .build());
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      for (int t = 0; t < 50; t++) {
        PersistentGenerator on = instances.get(t % 2);
        Callable<String> submit =
            () -> {
              start.await();
              try {
                return on.submit(request, model);
              } catch (BudgetExceededException e) {
                return null;
              }
            };
        results.add(threads.submit(submit));
      }
      start.countDown();
      List<String> admitted = new ArrayList<>();
      for (Future<String> r : results) {
        String id = r.get(60, TimeUnit.SECONDS);
        if (id != null) {
          admitted.add(id);
        }
      }
      assertThat(admitted).hasSize(10);
      assertThat(
              instances
                  .get(0)
                  .list(GenerationQuery.builder().userId(user).limit(100).build())
                  .items())
          .as("a row for each admitted generation only")
          .hasSize(10);

      release.countDown();
      for (String id : admitted) {
        assertThat(instances.get(0).follow(id).result().status())
            .isEqualTo(GenerationStatus.COMPLETE);
      }
      assertThat(calls).as("no provider call for a refused generation").hasValue(10);
      // Settled: ten times 9 x $1 + 100 x $2 per million.
      BudgetStatus status = instances.get(1).budgetStatus(user, null).get(0);
      assertThat(status.spent()).isEqualByComparingTo("0.00209");
      assertThat(status.reserved()).isEqualByComparingTo("0");
    } finally {
      release.countDown();
      threads.shutdownNow();
      instances.forEach(PersistentGenerator::close);
      stores.forEach(JdbcGenerationStore::close);
    }
  }
}
