package dev.genvault.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.spi.DedupCache;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link DedupCache} keeps. Extend it and implement {@link
 * #createCache(MutableClock)}. Expiry is tested by {@link #elapse(Duration)}, which moves the
 * clock; a backend whose time cannot be moved (a server's own TTL) overrides it to wait for real,
 * and is only ever asked for short TTLs.
 */
public abstract class DedupCacheContract {

  /** The clock handed to {@link #createCache}. */
  protected final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

  /** The cache under test. */
  protected DedupCache cache;

  /** A new, empty cache that reads time from the clock (if it can). Called before each test. */
  protected abstract DedupCache createCache(MutableClock clock) throws Exception;

  /** Releases the cache after each test; does nothing by default. */
  protected void closeCache(DedupCache cache) throws Exception {}

  /** Lets time pass for the cache; moves {@link #clock} by default. */
  protected void elapse(Duration duration) throws Exception {
    clock.advance(duration);
  }

  @BeforeEach
  void setUpCache() throws Exception {
    cache = createCache(clock);
  }

  @AfterEach
  void tearDownCache() throws Exception {
    closeCache(cache);
  }

  /** A key no other test (or earlier run against a shared server) has used. */
  protected static String key(String name) {
    return "tck:" + name + ":" + UUID.randomUUID();
  }

  @Nested
  @DisplayName("get and put")
  class GetAndPut {
    @Test
    void an_absent_key_misses() {
      assertThat(cache.get(key("absent"))).isEmpty();
    }

    @Test
    void a_stored_value_is_found() {
      String k = key("put");
      cache.put(k, "gen-1", Duration.ofMinutes(5));
      assertThat(cache.get(k)).contains("gen-1");
    }

    @Test
    void put_replaces_the_value() {
      String k = key("replace");
      cache.put(k, "gen-1", Duration.ofMinutes(5));
      cache.put(k, "gen-2", Duration.ofMinutes(5));
      assertThat(cache.get(k)).contains("gen-2");
    }

    @Test
    void an_empty_and_a_long_value_round_trip() {
      String empty = key("empty");
      String longKey = key("long");
      String longValue = "x".repeat(10_000) + "🧪";
      cache.put(empty, "", Duration.ofMinutes(5));
      cache.put(longKey, longValue, Duration.ofMinutes(5));
      assertThat(cache.get(empty)).contains("");
      assertThat(cache.get(longKey)).contains(longValue);
    }

    @Test
    void invalidate_removes_a_value_and_ignores_an_absent_key() {
      String k = key("invalidate");
      cache.put(k, "gen-1", Duration.ofMinutes(5));
      cache.invalidate(k);
      cache.invalidate(key("never-there"));
      assertThat(cache.get(k)).isEmpty();
    }
  }

  @Nested
  @DisplayName("expiry")
  class Expiry {
    @Test
    void a_value_lives_until_its_ttl_and_not_after() throws Exception {
      String k = key("ttl");
      cache.put(k, "gen-1", Duration.ofSeconds(2));
      elapse(Duration.ofMillis(500));
      assertThat(cache.get(k)).contains("gen-1");
      elapse(Duration.ofMillis(2500));
      assertThat(cache.get(k)).isEmpty();
    }

    @Test
    void put_if_absent_wins_again_once_the_old_value_expired() throws Exception {
      String k = key("expired-claim");
      assertThat(cache.putIfAbsent(k, "first", Duration.ofSeconds(1))).isTrue();
      elapse(Duration.ofMillis(1500));
      assertThat(cache.putIfAbsent(k, "second", Duration.ofMinutes(5))).isTrue();
      assertThat(cache.get(k)).contains("second");
    }

    @Test
    void a_ttl_that_is_not_positive_is_rejected() {
      assertThatThrownBy(() -> cache.put(key("zero"), "v", Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> cache.putIfAbsent(key("neg"), "v", Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  @DisplayName("put if absent")
  class PutIfAbsent {
    @Test
    void the_first_caller_wins_and_later_ones_see_its_value() {
      String k = key("claim");
      assertThat(cache.putIfAbsent(k, "first", Duration.ofMinutes(5))).isTrue();
      assertThat(cache.putIfAbsent(k, "second", Duration.ofMinutes(5))).isFalse();
      assertThat(cache.get(k)).contains("first");
    }

    @Test
    void of_eight_concurrent_callers_exactly_one_wins() throws Exception {
      for (int round = 0; round < 20; round++) {
        String k = key("race-" + round);
        CyclicBarrier start = new CyclicBarrier(8);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
          List<Future<Boolean>> results = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            String value = "caller-" + i;
            results.add(
                pool.submit(
                    () -> {
                      start.await();
                      return cache.putIfAbsent(k, value, Duration.ofMinutes(5));
                    }));
          }
          List<String> winners = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            if (results.get(i).get(30, TimeUnit.SECONDS)) {
              winners.add("caller-" + i);
            }
          }
          assertThat(winners).hasSize(1);
          assertThat(cache.get(k)).contains(winners.get(0));
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Nested
  @DisplayName("claims: compare-and-delete and compare-and-renew")
  class Claims {
    @Test
    void invalidate_if_removes_only_the_expected_value() {
      String k = key("release");
      cache.put(k, "gen-1", Duration.ofMinutes(5));
      assertThat(cache.invalidateIf(k, "gen-2")).isFalse();
      assertThat(cache.get(k)).contains("gen-1");
      assertThat(cache.invalidateIf(k, "gen-1")).isTrue();
      assertThat(cache.get(k)).isEmpty();
      assertThat(cache.invalidateIf(k, "gen-1")).isFalse();
      assertThat(cache.invalidateIf(key("never-there"), "gen-1")).isFalse();
    }

    @Test
    void remove_if_removes_only_the_expected_value_as_an_erasure_needs() {
      String k = key("erase");
      cache.put(k, "gen-1", Duration.ofMinutes(5));
      assertThat(cache.removeIf(k, "gen-2")).isFalse();
      assertThat(cache.get(k)).contains("gen-1");
      assertThat(cache.removeIf(k, "gen-1")).isTrue();
      assertThat(cache.get(k)).isEmpty();
      assertThat(cache.removeIf(k, "gen-1")).isFalse();
    }

    @Test
    void a_late_owner_cannot_release_the_claim_another_took_after_its_own_expired()
        throws Exception {
      String k = key("late-release");
      assertThat(cache.putIfAbsent(k, "first-owner", Duration.ofSeconds(1))).isTrue();
      elapse(Duration.ofMillis(1500));
      assertThat(cache.putIfAbsent(k, "second-owner", Duration.ofMinutes(5))).isTrue();
      assertThat(cache.invalidateIf(k, "first-owner")).isFalse();
      assertThat(cache.get(k)).contains("second-owner");
    }

    @Test
    void renew_if_keeps_the_owners_claim_alive_past_its_first_ttl() throws Exception {
      String k = key("renew");
      assertThat(cache.putIfAbsent(k, "owner", Duration.ofSeconds(2))).isTrue();
      elapse(Duration.ofMillis(1200));
      assertThat(cache.renewIf(k, "owner", Duration.ofSeconds(2))).isTrue();
      elapse(Duration.ofMillis(1300)); // 2.5 s after the claim: alive only because it was renewed
      assertThat(cache.get(k)).contains("owner");
      assertThat(cache.putIfAbsent(k, "other", Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void a_late_owner_cannot_renew_the_claim_another_took() throws Exception {
      String k = key("late-renew");
      assertThat(cache.putIfAbsent(k, "first-owner", Duration.ofSeconds(1))).isTrue();
      elapse(Duration.ofMillis(1500));
      assertThat(cache.putIfAbsent(k, "second-owner", Duration.ofSeconds(2))).isTrue();
      assertThat(cache.renewIf(k, "first-owner", Duration.ofMinutes(5))).isFalse();
      assertThat(cache.get(k)).contains("second-owner");
      elapse(Duration.ofMillis(2500)); // the second owner's own TTL, not the late renewal's
      assertThat(cache.get(k)).isEmpty();
    }

    @Test
    void an_expired_claim_is_not_revived_by_a_renewal() throws Exception {
      String k = key("revive");
      assertThat(cache.putIfAbsent(k, "owner", Duration.ofSeconds(1))).isTrue();
      elapse(Duration.ofMillis(1500));
      assertThat(cache.renewIf(k, "owner", Duration.ofMinutes(5))).isFalse();
      assertThat(cache.get(k)).isEmpty();
      assertThat(cache.renewIf(key("never-there"), "owner", Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void a_renewal_with_a_ttl_that_is_not_positive_is_rejected() {
      assertThatThrownBy(() -> cache.renewIf(key("zero"), "v", Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_waiter_returns_once_the_claim_is_released() throws Exception {
      String k = key("await");
      cache.put(k, "owner", Duration.ofMinutes(5));
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Boolean> waiter =
            pool.submit(() -> cache.awaitChange(k, "owner", Duration.ofMinutes(5)));
        assertThat(cache.invalidateIf(k, "owner")).isTrue();
        // Well inside the five minutes it may wait: a watching cache was told, or checks the
        // value once it watches; a cache that cannot watch returns false at once.
        waiter.get(60, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void a_waiter_on_a_value_that_is_already_gone_returns_at_once() throws Exception {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Boolean> waiter =
            pool.submit(() -> cache.awaitChange(key("gone"), "owner", Duration.ofMinutes(5)));
        waiter.get(60, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Nested
  @DisplayName("null arguments")
  class NullArguments {
    @Test
    void are_rejected() {
      assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> cache.put(null, "v", Duration.ofMinutes(1)))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> cache.put(key("k"), null, Duration.ofMinutes(1)))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> cache.invalidateIf(key("k"), null))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> cache.renewIf(null, "v", Duration.ofMinutes(1)))
          .isInstanceOf(NullPointerException.class);
    }
  }
}
