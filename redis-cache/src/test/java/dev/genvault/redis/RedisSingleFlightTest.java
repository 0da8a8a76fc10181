package dev.genvault.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.CheckpointPolicy;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationStream;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.GenerationStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Generators that share a store and one Redis, each through a client and a cache of its own, stand
 * for the instances of an application: tenants kept apart, one model call for identical requests at
 * once, and the claim of an instance that died taken over by a waiter after its lease.
 */
class RedisSingleFlightTest {
  private final EmbeddedRedis redis = EmbeddedRedis.shared();
  private final String namespace = "sf-" + UUID.randomUUID();
  private final GenerationStore store = GenerationStore.inMemory();
  private final RedisClient raw = RedisClient.create("127.0.0.1", redis.port);
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    raw.close();
  }

  private RedisDedupCache cache() {
    RedisDedupCache cache = RedisDedupCache.builder().uri(redis.uri()).namespace(namespace).build();
    closing.add(cache);
    return cache;
  }

  private PersistentGenerator instance(Duration lease) {
    return instance(PersistentGenerator.builder().lease(lease));
  }

  private PersistentGenerator instance(PersistentGenerator.Builder builder) {
    PersistentGenerator g = builder.store(store).cache(cache()).build();
    closing.add(g);
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

  @Test
  void two_tenants_with_identical_requests_never_hit_each_others_entry() {
    PersistentGenerator a = instance(Duration.ofSeconds(60));
    PersistentGenerator b = instance(Duration.ofSeconds(60));
    GatedClient model = GatedClient.answering("an ", "answer");

    Generation first = a.generate(haiku("tenant-1"), model);
    Generation second = b.generate(haiku("tenant:2"), model);
    Generation again = b.generate(haiku("tenant-1"), model);

    assertThat(model.calls).hasValue(2);
    assertThat(second.cachedFrom()).isNull();
    assertThat(again.cachedFrom()).isEqualTo(first.id());
    assertThat(raw.get(namespace + ":0:tenant-1:" + first.fingerprint())).isEqualTo(first.id());
    assertThat(raw.get(namespace + ":0:tenant%3A2:" + second.fingerprint())).isEqualTo(second.id());
  }

  @Test
  void two_instances_sending_the_same_request_at_once_call_the_model_once() throws Exception {
    PersistentGenerator a = instance(Duration.ofSeconds(60));
    PersistentGenerator b = instance(Duration.ofSeconds(60));
    GatedClient model = GatedClient.pausing("one ", "answer");
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      List<Future<Generation>> results = new ArrayList<>();
      for (PersistentGenerator g : List.of(a, b)) {
        results.add(
            callers.submit(
                () -> {
                  start.await();
                  return g.generate(haiku("t1"), model);
                }));
      }
      assertThat(model.paused.await(30, TimeUnit.SECONDS)).isTrue();
      // Both rows exist (the second instance waits on the first one's claim) before the model
      // may answer.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> raw.keys(namespace + ":0:t1:*:claim").size() == 1);
      model.gate.countDown();
      Generation one = results.get(0).get(60, TimeUnit.SECONDS);
      Generation two = results.get(1).get(60, TimeUnit.SECONDS);

      assertThat(model.calls).hasValue(1);
      assertThat(Set.of(one.id(), two.id())).hasSize(2);
      assertThat(List.of(one.status(), two.status())).containsOnly(GenerationStatus.COMPLETE);
      assertThat(List.of(one.text(), two.text())).containsOnly("one answer");
      Generation copy = one.cachedFrom() != null ? one : two;
      Generation original = copy == one ? two : one;
      assertThat(original.cachedFrom()).isNull();
      assertThat(copy.cachedFrom()).isEqualTo(original.id());
      assertThat(raw.keys(namespace + ":0:t1:*:claim")).as("the claim was released").isEmpty();
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void the_claim_of_an_instance_that_died_is_taken_over_after_its_lease_and_kept_from_it()
      throws Exception {
    // The instance that dies: its scheduler is held up, so its claim is never renewed and lapses
    // in Redis after the lease, as if its process had stopped.
    ScheduledExecutorService frozen = Executors.newSingleThreadScheduledExecutor();
    CountDownLatch thaw = new CountDownLatch(1);
    frozen.execute(
        () -> {
          try {
            thaw.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    closing.add(frozen::shutdownNow);
    closing.add(thaw::countDown);
    Duration lease = Duration.ofSeconds(2);
    PersistentGenerator dead =
        instance(PersistentGenerator.builder().lease(lease).scheduler(frozen));
    GatedClient stuck = GatedClient.pausing("from ", "the dead");
    String deadId = dead.submit(haiku("t1"), stuck);
    assertThat(stuck.paused.await(30, TimeUnit.SECONDS)).isTrue();
    String claimKey = claimKey();
    assertThat(raw.get(claimKey)).isEqualTo(deadId);

    // Two waiters on two other instances: one takes the lapsed claim over, the other follows it.
    PersistentGenerator b = instance(fastPolling());
    PersistentGenerator c = instance(fastPolling());
    GatedClient successor = GatedClient.pausing("from ", "the successor");
    GenerationStream fromB = b.stream(haiku("t1"), successor);
    GenerationStream fromC = c.stream(haiku("t1"), successor);
    assertThat(successor.paused.await(30, TimeUnit.SECONDS)).isTrue();
    String newOwner = raw.get(claimKey);
    assertThat(newOwner).isIn(fromB.id(), fromC.id());

    // The late owner wakes: it can neither extend nor release the new claim.
    RedisDedupCache lateOwnersView = cache();
    String cacheKey = claimKey.substring((namespace + ":0:").length());
    assertThat(lateOwnersView.renewIf(cacheKey, deadId, Duration.ofMinutes(5))).isFalse();
    assertThat(lateOwnersView.invalidateIf(cacheKey, deadId)).isFalse();
    stuck.gate.countDown();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> store.find(deadId).map(Generation::isTerminal).orElse(false));
    // Its generation released its claim as it ended (after its row turned terminal): the new
    // owner's claim stays.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(10))
        .until(() -> newOwner.equals(raw.get(claimKey)));

    successor.gate.countDown();
    Generation b1 = fromB.result();
    Generation c1 = fromC.result();
    assertThat(successor.calls).as("one waiter took over; the other joined it").hasValue(1);
    Generation owners = newOwner.equals(b1.id()) ? b1 : c1;
    Generation other = owners == b1 ? c1 : b1;
    assertThat(owners.text()).isEqualTo("from the successor");
    assertThat(owners.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(other.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(other.cachedFrom()).isIn(newOwner, deadId);
  }

  /** The one claim key of this test's namespace for tenant t1. */
  private String claimKey() {
    return claimKey("t1");
  }

  /** The one claim key of this test's namespace for a tenant segment. */
  private String claimKey(String tenant) {
    Set<String> keys = raw.keys(namespace + ":0:" + tenant + ":*:claim");
    assertThat(keys).hasSize(1);
    return keys.iterator().next();
  }

  @Test
  void the_claim_of_a_killed_process_expires_and_one_waiter_takes_over() throws Exception {
    String prompt = "killed " + UUID.randomUUID();
    Process owner =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                OwnerProcess.class.getName(),
                redis.uri(),
                namespace,
                "2000",
                prompt)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    closing.add(owner::destroyForcibly);
    String ownerId = awaitClaimLine(owner);
    String claimKey = claimKey("_");
    assertThat(raw.get(claimKey)).isEqualTo(ownerId);

    owner.destroyForcibly(); // SIGKILL mid-generation: no release, no more renewals
    assertThat(owner.waitFor(30, TimeUnit.SECONDS)).isTrue();

    // Two waiters polling every 20 ms. The successor pauses while it holds the claim, so the
    // other waiter sees it and follows it: a waiter that never saw the new owner's claim (all of
    // its generation fell between two polls) would find it released and run the request again.
    PersistentGenerator b = instance(fastPolling());
    PersistentGenerator c = instance(fastPolling());
    GatedClient successor = GatedClient.pausing("from ", "the successor");
    GenerationRequest request = GenerationRequest.prompt("gpt-4o-mini", prompt);
    GenerationStream fromB = b.stream(request, successor);
    GenerationStream fromC = c.stream(request, successor);
    assertThat(successor.paused.await(30, TimeUnit.SECONDS)).isTrue();
    String newOwner = raw.get(claimKey);
    assertThat(newOwner).isIn(fromB.id(), fromC.id());
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(10))
        .until(() -> newOwner.equals(raw.get(claimKey)));
    successor.gate.countDown();
    Generation b1 = fromB.result();
    Generation c1 = fromC.result();

    assertThat(successor.calls).as("one waiter took over; the other joined it").hasValue(1);
    assertThat(List.of(b1.status(), c1.status())).containsOnly(GenerationStatus.COMPLETE);
    assertThat(List.of(b1.text(), c1.text())).containsOnly("from the successor");
    assertThat(Arrays.asList(b1.cachedFrom(), c1.cachedFrom())).containsOnlyOnce((String) null);
    assertThat(raw.get(claimKey)).as("released by the new owner").isNull();
  }

  private static PersistentGenerator.Builder fastPolling() {
    return PersistentGenerator.builder()
        .lease(Duration.ofSeconds(2))
        .checkpointPolicy(new CheckpointPolicy(Duration.ofMillis(20), 64));
  }

  /** Reads the child's {@code claimed <id>} line. */
  private static String awaitClaimLine(Process owner) throws Exception {
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      Future<String> line =
          reader.submit(
              () -> {
                BufferedReader out =
                    new BufferedReader(
                        new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8));
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                  if (l.startsWith("claimed ")) {
                    return l.substring("claimed ".length());
                  }
                }
                throw new IllegalStateException("the owner process ended without a claim");
              });
      return line.get(60, TimeUnit.SECONDS);
    } finally {
      reader.shutdownNow();
    }
  }
}
