package dev.genvault.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * What RedisDedupCache adds to the contract: keys, TTL cap, invalidateAll, owning, failing open.
 */
class RedisDedupCacheTest {
  private final EmbeddedRedis redis = EmbeddedRedis.shared();
  private final RedisClient raw = RedisClient.create("127.0.0.1", redis.port);
  private final String namespace = "ns-" + UUID.randomUUID();

  @AfterEach
  void closeRaw() {
    raw.close();
  }

  private RedisDedupCache cache() {
    return RedisDedupCache.builder().uri(redis.uri()).namespace(namespace).build();
  }

  @Test
  void keys_carry_the_namespace_and_its_version_before_the_generators_key() {
    try (RedisDedupCache cache = cache()) {
      cache.put("_:fp1", "gen-1", Duration.ofMinutes(5));
      assertThat(raw.get(namespace + ":0:_:fp1")).isEqualTo("gen-1");
    }
  }

  @Test
  void every_entry_lives_at_most_the_max_ttl() {
    try (RedisDedupCache cache =
        RedisDedupCache.builder()
            .uri(redis.uri())
            .namespace(namespace)
            .maxTtl(Duration.ofMinutes(2))
            .build()) {
      cache.put("_:fp", "gen-1", Duration.ofDays(1));
      assertThat(cache.putIfAbsent("_:claim", "gen-2", Duration.ofDays(1))).isTrue();
      assertThat(raw.pttl(namespace + ":0:_:fp")).isBetween(1L, 120_000L);
      assertThat(raw.pttl(namespace + ":0:_:claim")).isBetween(1L, 120_000L);
    }
  }

  @Test
  void invalidate_all_drops_every_entry_for_every_instance_without_touching_another_namespace() {
    try (RedisDedupCache one = cache();
        RedisDedupCache other = cache();
        RedisDedupCache elsewhere =
            RedisDedupCache.builder().uri(redis.uri()).namespace(namespace + "-b").build()) {
      one.put("t:fp", "gen-1", Duration.ofMinutes(5));
      elsewhere.put("t:fp", "gen-b", Duration.ofMinutes(5));
      assertThat(other.get("t:fp")).contains("gen-1");

      one.invalidateAll();

      assertThat(one.get("t:fp")).isEmpty();
      await().atMost(Duration.ofSeconds(10)).until(() -> other.get("t:fp").isEmpty());
      assertThat(elsewhere.get("t:fp")).contains("gen-b");
      assertThat(raw.get(namespace + ":version")).isEqualTo("1");
      other.put("t:fp", "gen-2", Duration.ofMinutes(5));
      assertThat(raw.get(namespace + ":1:t:fp")).isEqualTo("gen-2");
    }
  }

  @Test
  void the_version_is_read_again_and_taken_as_redis_has_it_even_when_it_went_back() {
    AtomicLong now = new AtomicLong();
    try (RedisDedupCache cache =
        RedisDedupCache.builder()
            .uri(redis.uri())
            .namespace(namespace)
            .nanoTime(now::get)
            .build()) {
      cache.invalidateAll();
      cache.put("t:a", "gen-1", Duration.ofMinutes(5));
      assertThat(raw.get(namespace + ":1:t:a")).isEqualTo("gen-1");

      raw.del(namespace + ":version"); // as after a restart of a Redis that keeps nothing
      now.addAndGet(Duration.ofSeconds(6).toNanos());
      cache.put("t:b", "gen-2", Duration.ofMinutes(5));
      assertThat(raw.get(namespace + ":0:t:b")).isEqualTo("gen-2");
    }
  }

  @Test
  void a_client_passed_in_is_used_and_left_open() {
    RedisDedupCache cache = RedisDedupCache.builder().client(raw).namespace(namespace).build();
    cache.put("_:fp", "gen-1", Duration.ofMinutes(5));
    cache.close();
    assertThat(raw.get(namespace + ":0:_:fp")).isEqualTo("gen-1");
  }

  @Test
  void the_password_of_a_uri_never_shows() {
    String uri = "redis://user:s3cret-pass@127.0.0.1:" + redis.port;
    try (RedisDedupCache cache = RedisDedupCache.builder().uri(uri).namespace(namespace).build()) {
      assertThat(cache.toString())
          .isEqualTo(
              "RedisDedupCache{Redis at redis://127.0.0.1:"
                  + redis.port
                  + ", namespace="
                  + namespace
                  + "}");
    }
    assertThatThrownBy(() -> RedisDedupCache.builder().uri("redis://:s3cret pass@h:1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void bad_settings_are_refused_clearly() {
    assertThatThrownBy(() -> RedisDedupCache.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("uri");
    assertThatThrownBy(() -> RedisDedupCache.builder().uri("redis://a").client(raw).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RedisDedupCache.builder().uri("redis://a").uri("redis://b"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RedisDedupCache.builder().uri("http://127.0.0.1:6379").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://");
    assertThatThrownBy(() -> RedisDedupCache.builder().uri(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RedisDedupCache.builder().namespace(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisDedupCache.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisDedupCache.builder().circuitBreaker(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void with_nothing_listening_every_call_is_a_miss_and_the_outage_is_reported_once()
      throws Exception {
    try (RedisDedupCache cache =
        RedisDedupCache.builder().uri("redis://127.0.0.1:" + EmbeddedRedis.freePort()).build()) {
      for (int i = 0; i < 50; i++) {
        assertThat(cache.get("_:fp")).isEmpty();
        cache.put("_:fp", "gen-1", Duration.ofMinutes(5));
        assertThat(cache.putIfAbsent("_:fp:claim", "gen-1", Duration.ofMinutes(1))).isFalse();
        assertThat(cache.renewIf("_:fp:claim", "gen-1", Duration.ofMinutes(1))).isFalse();
        assertThat(cache.invalidateIf("_:fp:claim", "gen-1")).isFalse();
        cache.invalidate("_:fp");
        assertThat(cache.awaitChange("_:fp:claim", "gen-1", Duration.ofMinutes(1))).isFalse();
      }
      assertThat(cache.outages()).isEqualTo(1);
      assertThat(cache.watching()).isFalse();
    }
  }
}
