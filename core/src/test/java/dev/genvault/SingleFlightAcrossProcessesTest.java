package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.spi.DedupCache;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Generators that share a store and a dedup cache stand for processes of one fleet: tenants kept
 * apart in the cache, and a claim whose owner died taken over by exactly one waiter, which the late
 * owner can then neither renew nor release.
 */
class SingleFlightAcrossProcessesTest {
  private static final Duration LEASE = Duration.ofMinutes(10);

  private final FlakyStore store = new FlakyStore();
  private final TestClock cacheTime = new TestClock(Instant.parse("2026-11-01T00:00:00Z"));
  private final DedupCache shared = DedupCache.caffeine(100, cacheTime);
  private final List<PersistentGenerator> generators = new ArrayList<>();

  @AfterEach
  void close() {
    generators.forEach(PersistentGenerator::close);
  }

  /** The process that dies holding its claim; waits move the clock only while it holds it. */
  private volatile String deadOwner = "";

  /**
   * A process whose scheduled claim renewals never run in a test (they run every quarter lease) and
   * whose waits move the cache's clock by {@code step} instead of sleeping while the dead process
   * holds the claim; after that they wait a millisecond of real time, standing in for the poll
   * interval, so the new owner's claim (never renewed here either) does not lapse in turn.
   */
  private PersistentGenerator process(Duration step) {
    PersistentGenerator g =
        PersistentGenerator.builder()
            .store(store)
            .cache(shared)
            .lease(LEASE)
            .checkpointPolicy(new CheckpointPolicy(Duration.ofMillis(20), 64))
            .sleeper(
                d -> {
                  if (claimOf("t1").equals(deadOwner)) {
                    cacheTime.advance(step);
                  } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                  }
                })
            .build();
    generators.add(g);
    return g;
  }

  private static GenerationRequest haiku(String tenant) {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .prompt("Write a haiku")
        .userId("u1")
        .tenantId(tenant)
        .build();
  }

  private String claimOf(String tenant) {
    return shared
        .get(FailOpenCache.claimKey(tenant, Fingerprint.of(haiku(tenant), CacheScope.USER)))
        .orElse("none");
  }

  @Test
  void two_tenants_with_identical_requests_never_share_an_entry() {
    PersistentGenerator processA = process(Duration.ofMillis(20));
    PersistentGenerator processB = process(Duration.ofMillis(20));
    ScriptedClient client = ScriptedClient.emitting("an ", "answer");
    Generation first = processA.generate(haiku("tenant-1"), client);
    Generation second = processB.generate(haiku("tenant:2"), client);
    Generation again = processB.generate(haiku("tenant-1"), client);

    assertThat(client.calls).hasValue(2);
    assertThat(second.cachedFrom()).isNull();
    assertThat(again.cachedFrom()).isEqualTo(first.id());
    String fingerprint = Fingerprint.of(haiku("tenant:2"), CacheScope.USER);
    assertThat(shared.get("tenant%3A2:" + fingerprint)).contains(second.id());
    assertThat(shared.get("tenant-1:" + fingerprint)).isEmpty();
  }

  @Test
  void the_claim_of_a_dead_process_is_taken_over_by_one_waiter_and_kept_from_the_late_owner()
      throws Exception {
    PersistentGenerator dead = process(Duration.ZERO);
    ScriptedClient stuck = ScriptedClient.pausingAfter(1, "from ", "the dead");
    String deadId = dead.submit(haiku("t1"), stuck);
    deadOwner = deadId;
    assertThat(stuck.paused.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(claimOf("t1")).isEqualTo(deadId);

    // Two waiters in two other processes; each wait moves the cache's clock, so the dead
    // process's claim (never renewed) lapses after a lease.
    PersistentGenerator waiterB = process(Duration.ofMinutes(1));
    PersistentGenerator waiterC = process(Duration.ofMinutes(1));
    ScriptedClient successor = ScriptedClient.pausingAfter(1, "from ", "the successor");
    GenerationStream b = waiterB.stream(haiku("t1"), successor);
    GenerationStream c = waiterC.stream(haiku("t1"), successor);
    assertThat(successor.paused.await(20, TimeUnit.SECONDS)).isTrue();
    String newOwner = claimOf("t1");
    assertThat(newOwner).isIn(b.id(), c.id());

    // The late owner wakes: its renewal and its release must leave the new claim alone.
    dead.renewClaims();
    stuck.gate.countDown();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> store.find(deadId).map(Generation::isTerminal).orElse(false));
    assertThat(claimOf("t1")).isEqualTo(newOwner);

    successor.gate.countDown();
    Generation fromB = b.result();
    Generation fromC = c.result();
    assertThat(successor.calls).as("one waiter took over; the other joined it").hasValue(1);
    Generation owners = newOwner.equals(b.id()) ? fromB : fromC;
    Generation copy = newOwner.equals(b.id()) ? fromC : fromB;
    assertThat(owners.text()).isEqualTo("from the successor");
    assertThat(owners.status()).isEqualTo(GenerationStatus.COMPLETE);
    // The other waiter copies whichever ended first in its sight: the successor, or the late
    // owner, which came back and finished after all.
    assertThat(copy.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(copy.cachedFrom()).isIn(newOwner, deadId);
  }
}
