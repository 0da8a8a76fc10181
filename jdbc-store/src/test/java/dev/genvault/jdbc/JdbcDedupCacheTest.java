package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.PersistenceException;
import dev.genvault.tck.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the TCK cannot see from outside: the race on an expired entry, expired rows removed in
 * batches, the query timeout, the plan of a hit, and the table shared with a store.
 */
class JdbcDedupCacheTest {
  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));

  /**
   * A store on a fresh database of the dialect (PostgreSQL: the shared server, its cache emptied).
   */
  private JdbcGenerationStore store(Dialect dialect) {
    switch (dialect) {
      case SQLITE:
        return JdbcGenerationStore.sqlite(dir.resolve("genvault.db"));
      case H2:
        return JdbcGenerationStore.builder()
            .jdbcUrl("jdbc:h2:file:" + dir.resolve("genvault").toAbsolutePath())
            .build();
      default:
        JdbcGenerationStore store = JdbcGenerationStore.create(Postgres.pool());
        store.jdbi().useHandle(h -> h.execute("TRUNCATE genvault_dedup"));
        return store;
    }
  }

  private static int rows(JdbcGenerationStore store) {
    return store
        .jdbi()
        .withHandle(
            h -> h.createQuery("SELECT COUNT(*) FROM genvault_dedup").mapTo(Integer.class).one());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void of_eight_callers_on_an_expired_entry_exactly_one_takes_it_over(Dialect dialect)
      throws Exception {
    try (JdbcGenerationStore store = store(dialect)) {
      JdbcDedupCache cache = JdbcDedupCache.builder().store(store).clock(clock).build();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        for (int round = 0; round < 10; round++) {
          String key = "t:fp-" + round + ":claim";
          cache.put(key, "dead-owner", Duration.ofSeconds(1));
          clock.advance(Duration.ofSeconds(2));
          CyclicBarrier start = new CyclicBarrier(8);
          List<Future<Boolean>> results = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            String value = "waiter-" + i;
            results.add(
                pool.submit(
                    () -> {
                      start.await();
                      return cache.putIfAbsent(key, value, HOUR);
                    }));
          }
          List<String> winners = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            if (results.get(i).get(30, TimeUnit.SECONDS)) {
              winners.add("waiter-" + i);
            }
          }
          assertThat(winners).as("round %d", round).hasSize(1);
          assertThat(cache.get(key)).contains(winners.get(0));
          assertThat(cache.invalidateIf(key, "dead-owner")).isFalse();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void expired_rows_are_removed_in_batches_and_live_ones_kept(Dialect dialect) {
    try (JdbcGenerationStore store = store(dialect)) {
      JdbcDedupCache cache =
          JdbcDedupCache.builder().store(store).clock(clock).cleanupBatchSize(100).build();
      for (int i = 0; i < 250; i++) {
        cache.put("t:expiring-" + i, "g" + i, Duration.ofSeconds(1));
      }
      cache.put("t:live", "kept", HOUR);
      cache.putIfAbsent("t:live:claim", "owner", HOUR);
      clock.advance(Duration.ofSeconds(2));

      assertThat(cache.removeExpired()).isEqualTo(100);
      assertThat(cache.removeExpired()).isEqualTo(100);
      assertThat(cache.removeExpired()).isEqualTo(50);
      assertThat(cache.removeExpired()).isZero();
      assertThat(rows(store)).isEqualTo(2);
      assertThat(cache.get("t:live")).contains("kept");
      assertThat(cache.get("t:live:claim")).contains("owner");
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void writes_remove_a_batch_at_most_once_an_interval_and_keep_going_while_batches_are_full(
      Dialect dialect) {
    try (JdbcGenerationStore store = store(dialect)) {
      JdbcDedupCache cache =
          JdbcDedupCache.builder()
              .store(store)
              .clock(clock)
              .cleanupBatchSize(10)
              .cleanupInterval(Duration.ofMinutes(1))
              .build();
      for (int i = 0; i < 25; i++) { // the first write cleans (nothing); the others are too soon
        cache.put("t:old-" + i, "g" + i, Duration.ofSeconds(1));
      }
      clock.advance(Duration.ofSeconds(30));
      cache.put("t:a", "a", HOUR); // within the interval: nothing removed
      assertThat(rows(store)).isEqualTo(26);

      clock.advance(Duration.ofSeconds(31));
      cache.put("t:b", "b", HOUR); // a full batch of 10
      assertThat(rows(store)).isEqualTo(17);
      assertThat(cache.putIfAbsent("t:c", "c", HOUR))
          .isTrue(); // full again: the next write goes on
      assertThat(rows(store)).isEqualTo(8);
      cache.put("t:d", "d", HOUR); // the last 5
      assertThat(rows(store)).isEqualTo(4);

      cache.put("t:short", "s", Duration.ofSeconds(1));
      clock.advance(Duration.ofSeconds(2));
      cache.put("t:e", "e", HOUR); // that batch was not full: wait for the interval
      assertThat(rows(store)).isEqualTo(6);
    }
  }

  @Test
  void a_slow_postgresql_fails_the_call_after_the_query_timeout_instead_of_waiting() {
    try (JdbcGenerationStore store = store(Dialect.POSTGRESQL)) {
      JdbcDedupCache cache =
          JdbcDedupCache.builder().dataSource(Postgres.pool()).clock(clock).build();
      cache.put("t:locked", "g1", HOUR);
      try (Handle locker = store.jdbi().open()) {
        locker.begin();
        locker.execute("SELECT * FROM genvault_dedup WHERE cache_key = 't:locked' FOR UPDATE");
        // The write waits for the row lock until the 250 ms timeout cancels it: the generator
        // then goes on without the cache.
        assertThatThrownBy(() -> cache.put("t:locked", "g2", HOUR))
            .isInstanceOf(PersistenceException.class)
            .hasMessageContaining("dedup cache in postgresql failed")
            .hasMessageContaining("canceling statement");
        locker.rollback();
      }
      assertThat(cache.get("t:locked")).contains("g1");
    }
  }

  @Test
  void on_postgresql_a_hit_is_one_read_of_the_primary_key() {
    try (JdbcGenerationStore store = store(Dialect.POSTGRESQL)) {
      long now = clock.millis();
      store
          .jdbi()
          .useHandle(
              h -> {
                h.createUpdate(
                        "INSERT INTO genvault_dedup (cache_key, cache_value, expires_at)"
                            + " SELECT 'tenant-' || (i % 20) || ':' || md5(i::text), 'gen-' || i,"
                            + " :now + (i % 7 - 2) * 3600000 FROM generate_series(1, 20000) AS i")
                    .bind("now", now)
                    .execute();
                h.execute("ANALYZE genvault_dedup");
              });
      String key = "tenant-3:" + md5(3); // expires in an hour (i % 7 - 2 = 1)
      JdbcDedupCache cache = JdbcDedupCache.builder().store(store).clock(clock).build();
      assertThat(cache.get(key)).isPresent();
      // The very statement the cache runs, with its parameters bound as the cache binds them.
      String plan =
          store
              .jdbi()
              .withHandle(
                  h ->
                      String.join(
                          "\n",
                          h.createQuery("EXPLAIN ANALYZE " + DedupSql.GET)
                              .bind("key", key)
                              .bind("now", now)
                              .mapTo(String.class)
                              .list()));
      System.out.println("The plan of a hit:\n" + plan);
      assertThat(plan)
          .startsWith("Index Scan using genvault_dedup_pkey on genvault_dedup")
          .contains("Index Cond: (cache_key = ")
          .contains("rows=1 loops=1")
          .doesNotContain("Seq Scan");
    }
  }

  private static String md5(int i) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("MD5")
              .digest(Integer.toString(i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void a_cache_of_a_store_shares_its_pool_and_its_table() {
    try (JdbcGenerationStore store = store(Dialect.SQLITE)) {
      JdbcDedupCache cache = JdbcDedupCache.create(store);
      cache.put("tenant-1:abc", "gen-1", HOUR);
      String stored =
          store
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery("SELECT cache_value FROM genvault_dedup WHERE cache_key = :k")
                          .bind("k", "tenant-1:abc")
                          .mapTo(String.class)
                          .one());
      assertThat(stored).isEqualTo("gen-1");
      assertThat(cache).hasToString("JdbcDedupCache{sqlite}");
    }
    // A new process on the same file finds the entry: dedup survives a restart.
    try (JdbcGenerationStore reopened = store(Dialect.SQLITE)) {
      assertThat(JdbcDedupCache.create(reopened).get("tenant-1:abc")).contains("gen-1");
    }
  }

  @Test
  void the_builder_takes_one_source_and_checks_its_numbers() {
    JdbcDedupCache.Builder builder = JdbcDedupCache.builder().dataSource(Postgres.pool());
    assertThatThrownBy(() -> builder.jdbi(org.jdbi.v3.core.Jdbi.create(Postgres.pool())))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.cleanupBatchSize(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.queryTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JdbcDedupCache.builder().build())
        .isInstanceOf(IllegalStateException.class);
  }
}
