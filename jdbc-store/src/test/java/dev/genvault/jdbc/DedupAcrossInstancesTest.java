package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.CheckpointPolicy;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationStream;
import dev.genvault.PersistentGenerator;
import dev.genvault.Sleeper;
import dev.genvault.tck.MutableClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Instances of an application on one PostgreSQL: each its own generator, store, cache and pool,
 * sharing only the database (and, for the caches, one clock that the tests move as time passes).
 */
class DedupAcrossInstancesTest {
  private static final Duration LEASE = Duration.ofMinutes(10);

  private final MutableClock cacheTime = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
  private final String tenant = "acme-" + UUID.randomUUID();
  private final String prompt = "Write a haiku " + UUID.randomUUID();
  private final List<Instance> instances = new ArrayList<>();

  /** One instance of the application: its own pool, store, cache and generator. */
  private final class Instance {
    final JdbcGenerationStore store;
    final JdbcDedupCache cache;
    final PersistentGenerator generator;

    Instance(Sleeper sleeper) {
      this(sleeper, LEASE, cacheTime);
    }

    Instance(Sleeper sleeper, Duration lease, Clock clock) {
      store =
          JdbcGenerationStore.builder()
              .jdbcUrl(Postgres.server().getJdbcUrl("postgres", "postgres"))
              .maxPoolSize(4)
              .build();
      cache = JdbcDedupCache.builder().store(store).clock(clock).build();
      generator =
          PersistentGenerator.builder()
              .store(store)
              .cache(cache)
              .lease(lease)
              .checkpointPolicy(new CheckpointPolicy(Duration.ofMillis(20), 64))
              .sleeper(sleeper)
              .build();
      instances.add(this);
    }
  }

  @AfterEach
  void close() {
    for (Instance i : instances) {
      i.generator.close();
      i.store.close();
    }
  }

  private GenerationRequest request(String tenantId) {
    return ClaimHolder.request(tenantId, prompt);
  }

  /** The cache key a generation's ID is stored under (the test reads the table itself). */
  private String keyOf(Instance any, String value) {
    return any.store
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT cache_key FROM genvault_dedup WHERE cache_value = :v")
                    .bind("v", value)
                    .mapTo(String.class)
                    .one());
  }

  @Test
  void two_tenants_with_identical_requests_never_hit_each_others_entry() {
    Instance a = new Instance(Sleeper.SYSTEM);
    Instance b = new Instance(Sleeper.SYSTEM);
    PausingClient model = PausingClient.emitting("an ", "answer");
    String other = tenant + "/other";

    Generation first = a.generator.generate(request(tenant), model);
    Generation second = b.generator.generate(request(other), model);
    Generation again = b.generator.generate(request(tenant), model);

    assertThat(model.calls).hasValue(2);
    assertThat(second.cachedFrom()).isNull();
    assertThat(again.cachedFrom()).isEqualTo(first.id());
    assertThat(keyOf(a, first.id())).startsWith(tenant + ":").doesNotEndWith(":claim");
    assertThat(keyOf(a, second.id())).startsWith(tenant + "%2Fother:");
  }

  @Test
  void two_instances_sending_the_same_request_at_once_call_the_model_once_and_each_keeps_a_row()
      throws Exception {
    Instance a = new Instance(Sleeper.SYSTEM);
    Instance b = new Instance(Sleeper.SYSTEM);
    PausingClient model = PausingClient.pausing("one ", "answer");
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      Future<GenerationStream> fromA =
          callers.submit(
              () -> {
                together.await();
                return a.generator.stream(request(tenant), model);
              });
      Future<GenerationStream> fromB =
          callers.submit(
              () -> {
                together.await();
                return b.generator.stream(request(tenant), model);
              });
      try (GenerationStream sa = fromA.get(30, TimeUnit.SECONDS);
          GenerationStream sb = fromB.get(30, TimeUnit.SECONDS)) {
        // Both are admitted (each has its row) while one of them is in the model's call.
        assertThat(model.paused.await(30, TimeUnit.SECONDS)).isTrue();
        model.gate.countDown();
        Generation ga = sa.result();
        Generation gb = sb.result();

        assertThat(model.calls).as("one call for the two instances").hasValue(1);
        assertThat(ga.id()).isNotEqualTo(gb.id());
        assertThat(List.of(ga, gb))
            .allSatisfy(g -> assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE))
            .allSatisfy(g -> assertThat(g.text()).isEqualTo("one answer"));
        Generation original = ga.cachedFrom() == null ? ga : gb;
        Generation copy = original == ga ? gb : ga;
        assertThat(copy.cachedFrom()).isEqualTo(original.id());
        assertThat(a.store.find(copy.id()).orElseThrow().cachedFrom()).isEqualTo(original.id());
        assertThat(b.store.find(original.id()).orElseThrow().cachedFrom()).isNull();
      }
    } finally {
      callers.shutdownNow();
    }
  }

  /** The generation that dies holding its claim, and the claim's key, once known. */
  private volatile String deadOwner = "";

  private volatile String claimKey = "";

  /**
   * A waiter's wait: while the dead instance holds the claim, time passes for the caches (a minute
   * a poll, so the claim, never renewed, lapses after ten polls); after that a millisecond of real
   * time stands for the poll interval, so the new owner's claim does not lapse in turn.
   */
  private void waitAPoll(Instance any) {
    if (any.cache.get(claimKey).orElse("").equals(deadOwner)) {
      cacheTime.advance(Duration.ofMinutes(1));
    } else {
      LockSupport.parkNanos(1_000_000);
    }
  }

  @Test
  void a_claim_whose_owner_died_is_taken_over_by_one_waiter_and_the_late_owner_cannot_touch_it()
      throws Exception {
    // Its renewals run every quarter lease (2.5 min): never within this test. It stands for an
    // instance that stopped mid-generation, until it is let go at the end.
    Instance dead = new Instance(Sleeper.SYSTEM);
    PausingClient stuck = PausingClient.pausing("from ", "the dead");
    String deadId = dead.generator.submit(request(tenant), stuck);
    assertThat(stuck.paused.await(30, TimeUnit.SECONDS)).isTrue();
    claimKey = keyOf(dead, deadId);
    assertThat(claimKey).startsWith(tenant + ":").endsWith(":claim");
    deadOwner = deadId;

    Instance[] waiters = new Instance[2];
    waiters[0] = new Instance(d -> waitAPoll(waiters[0]));
    waiters[1] = new Instance(d -> waitAPoll(waiters[1]));
    PausingClient successor = PausingClient.pausing("from ", "the successor");
    try (GenerationStream b = waiters[0].generator.stream(request(tenant), successor);
        GenerationStream c = waiters[1].generator.stream(request(tenant), successor)) {
      assertThat(successor.paused.await(30, TimeUnit.SECONDS)).isTrue();
      String newOwner = dead.cache.get(claimKey).orElseThrow();
      assertThat(newOwner).isIn(b.id(), c.id());

      // The late owner comes back: it can neither renew the claim nor, when it ends, release it.
      assertThat(dead.cache.renewIf(claimKey, deadId, LEASE)).isFalse();
      stuck.gate.countDown();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> dead.store.find(deadId).map(Generation::isTerminal).orElse(false));
      assertThat(dead.cache.get(claimKey)).contains(newOwner);

      successor.gate.countDown();
      Generation fromB = b.result();
      Generation fromC = c.result();
      assertThat(successor.calls).as("one waiter took over; the other joined it").hasValue(1);
      Generation owners = newOwner.equals(b.id()) ? fromB : fromC;
      Generation other = owners == fromB ? fromC : fromB;
      assertThat(owners.text()).isEqualTo("from the successor");
      assertThat(owners.status()).isEqualTo(GenerationStatus.COMPLETE);
      // The other copies whichever ended first in its sight: the successor, or the late owner.
      assertThat(other.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(other.cachedFrom()).isIn(newOwner, deadId);
    }
  }

  @Test
  void a_waiter_takes_over_the_claim_of_an_instance_whose_jvm_was_killed_mid_generation()
      throws Exception {
    Duration lease = Duration.ofSeconds(5);
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    ClaimHolder.class.getName(),
                    Postgres.server().getJdbcUrl("postgres", "postgres"),
                    tenant,
                    prompt,
                    lease.toString()))
            .redirectErrorStream(true)
            .start();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    String childId;
    try {
      Future<String> holding =
          reader.submit(
              () -> {
                StringBuilder seen = new StringBuilder();
                BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (line.startsWith("HOLDING ")) {
                    return line.substring("HOLDING ".length());
                  }
                  seen.append(line).append('\n');
                }
                throw new AssertionError("the child ended without holding a claim:\n" + seen);
              });
      childId = holding.get(120, TimeUnit.SECONDS);
    } finally {
      // Killed mid-generation: no shutdown hook, no release, no terminal row.
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      reader.shutdownNow();
    }

    Instance waiter = new Instance(Sleeper.SYSTEM, lease, Clock.systemUTC());
    String claim = keyOf(waiter, childId);
    assertThat(claim).startsWith(tenant + ":").endsWith(":claim");
    PausingClient model = PausingClient.emitting("from ", "the waiter");
    Generation taken = waiter.generator.generate(request(tenant), model);

    assertThat(model.calls).hasValue(1);
    assertThat(taken.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(taken.text()).isEqualTo("from the waiter");
    assertThat(taken.cachedFrom()).isNull();
    assertThat(waiter.store.find(childId).orElseThrow().status())
        .isNotEqualTo(GenerationStatus.COMPLETE);
    assertThat(waiter.cache.get(claim)).as("released by the waiter").isEmpty();
    assertThat(keyOf(waiter, taken.id())).isEqualTo(claim.substring(0, claim.length() - 6));
  }
}
