package dev.genvault.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** URIs as users write them: TLS, user, password, database; never echoed with their secrets. */
class RedisUriTest {
  @Test
  void a_uri_shows_only_its_scheme_host_and_port() {
    assertThat(RedisUri.parse("rediss://app:pa55@cache.internal:6380/2"))
        .hasToString("rediss://cache.internal:6380");
    assertThat(RedisUri.parse("redis://127.0.0.1")).hasToString("redis://127.0.0.1:6379");
  }

  @Test
  void what_is_not_a_redis_uri_is_refused_without_repeating_it() {
    assertThatThrownBy(() -> RedisUri.parse("https://:pa55@cache.internal"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("pa55");
    assertThatThrownBy(() -> RedisUri.parse("redis://:pa55@cache.internal:6379/zero"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database")
        .hasMessageNotContaining("pa55");
    assertThatThrownBy(() -> RedisUri.parse("redis:///0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host");
  }

  @Test
  void the_password_and_database_of_a_uri_are_used() {
    String password = "test-password-" + System.nanoTime();
    try (EmbeddedRedis secured = EmbeddedRedis.create("requirepass " + password);
        RedisDedupCache right =
            RedisDedupCache.builder()
                .uri("redis://:" + password + "@127.0.0.1:" + secured.port + "/3")
                .build();
        RedisDedupCache wrong =
            RedisDedupCache.builder()
                .uri("redis://:not-" + password + "@127.0.0.1:" + secured.port + "/3")
                .build();
        redis.clients.jedis.Jedis raw = new redis.clients.jedis.Jedis("127.0.0.1", secured.port)) {
      right.put("_:fp", "gen-1", Duration.ofMinutes(1));
      assertThat(right.get("_:fp")).contains("gen-1");
      raw.auth(password);
      raw.select(3);
      assertThat(raw.get("genvault:0:_:fp")).isEqualTo("gen-1");

      for (int i = 0; i < 5; i++) {
        assertThat(wrong.get("_:fp")).as("refused, so a miss").isEmpty();
      }
      assertThat(wrong.outages()).isEqualTo(1);
      assertThat(wrong.toString()).doesNotContain(password);
    }
  }
}
