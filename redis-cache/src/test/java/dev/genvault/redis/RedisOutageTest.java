package dev.genvault.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.GenerationStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.Pool;

/**
 * The test's own redis-server killed by its PID, or frozen, while generations run: every one still
 * succeeds within a generous bound of the 250 ms call timeout, the outage is reported once, and the
 * cache is used again within 5 s of Redis answering again.
 */
class RedisOutageTest {
  /** Generous: a few cache calls of at most 250 ms each, on a shared 2-core machine. */
  private static final Duration BOUND = Duration.ofSeconds(3);

  private final EmbeddedRedis redis = EmbeddedRedis.create();
  private final RedisDedupCache cache = RedisDedupCache.builder().uri(redis.uri()).build();
  private final PersistentGenerator genvault =
      PersistentGenerator.builder().store(GenerationStore.inMemory()).cache(cache).build();
  private final AtomicInteger requests = new AtomicInteger();
  private final GatedClient model = GatedClient.answering("an ", "answer");

  @AfterEach
  void close() {
    genvault.close();
    cache.close();
    redis.close();
  }

  private GenerationRequest next() {
    return GenerationRequest.prompt("gpt-4o-mini", "request " + requests.incrementAndGet());
  }

  /** A new request, then the same again: true if the second was served from the cache. */
  private boolean cacheServes() {
    GenerationRequest request = next();
    genvault.generate(request, model);
    return genvault.generate(request, model).cachedFrom() != null;
  }

  @Test
  void redis_killed_and_started_again_never_fails_or_holds_up_a_generation() throws Exception {
    assertThat(cacheServes()).isTrue();
    List<Duration> took = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService load = Executors.newSingleThreadExecutor();
    Future<?> generating =
        load.submit(
            () -> {
              while (running.get()) {
                long start = System.nanoTime();
                try {
                  Generation g = genvault.generate(next(), model);
                  assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
                } catch (Throwable t) {
                  failures.add(t);
                }
                took.add(Duration.ofNanos(System.nanoTime() - start));
              }
            });
    try {
      int before = took.size();
      await().atMost(Duration.ofSeconds(10)).until(() -> took.size() > before + 20);
      redis.kill();
      int duringOutage = took.size();
      await().atMost(Duration.ofSeconds(20)).until(() -> took.size() > duringOutage + 200);
      assertThat(cache.outages()).isEqualTo(1);

      redis.start();
      long back = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .until(this::cacheServes);
      assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(5));
      await().atMost(Duration.ofSeconds(10)).until(cache::watching);
    } finally {
      running.set(false);
      generating.get(30, TimeUnit.SECONDS);
      load.shutdownNow();
    }
    assertThat(failures).isEmpty();
    assertThat(took).allSatisfy(d -> assertThat(d).isLessThan(BOUND));
    assertThat(cache.outages()).isEqualTo(1);
  }

  @Test
  void a_frozen_redis_costs_a_generation_at_most_the_timeout_until_the_breaker_skips_it()
      throws Exception {
    assertThat(cacheServes()).isTrue();
    long pid = redis.pid();
    signal("STOP", pid); // alive, accepting nothing: every call waits for its timeout
    try {
      for (int i = 0; i < 20; i++) {
        long start = System.nanoTime();
        Generation g = genvault.generate(next(), model);
        assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
      }
      assertThat(cache.outages()).isEqualTo(1);
    } finally {
      signal("CONT", pid);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(this::cacheServes);
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  @Test
  void after_an_outage_the_first_probe_gets_a_new_connection_not_a_dead_idle_one()
      throws Exception {
    AtomicLong now = new AtomicLong();
    try (EmbeddedRedis own = EmbeddedRedis.create();
        RedisDedupCache probed =
            RedisDedupCache.builder().uri(own.uri()).nanoTime(now::get).build()) {
      probed.put("_:fp", "gen-1", Duration.ofMinutes(5));
      Pool<Connection> pool = ((RedisClient) probed.client()).getPool();
      List<Connection> borrowed = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        borrowed.add(pool.getResource());
      }
      borrowed.forEach(Connection::close); // eight idle connections, soon dead
      assertThat(pool.getNumIdle()).isGreaterThanOrEqualTo(8);

      own.kill();
      for (int i = 0; i < 3; i++) {
        assertThat(probed.get("_:fp")).isEmpty();
      }
      assertThat(probed.outages()).isEqualTo(1);
      own.start();
      now.addAndGet(Duration.ofSeconds(3).toNanos()); // the breaker's wait is over: one probe
      probed.put("_:fp", "gen-2", Duration.ofMinutes(5));
      assertThat(probed.get("_:fp")).contains("gen-2");
      assertThat(probed.outages()).isEqualTo(1);
    }
  }
}
