package dev.genvault.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ProductionWiring's settings: a wrong one fails before any server starts, with what to fix. */
class ProductionWiringTest {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "GENVAULT_CACHE|memcached|it takes redis, database or none",
        "GENVAULT_S3_ENDPOINT|http://127.0.0.1:9|GENVAULT_S3_BUCKET is not",
        "GENVAULT_USER_TOKENS|alice=|blank user or token",
        "GENVAULT_USER_TOKENS|alice=t,bob=t|one token to two users",
        "GENVAULT_USER_TOKENS|alice|user=token pairs",
        "GENVAULT_HTTP_HOST|0.0.0.0|set GENVAULT_BASE_URL",
        "GENVAULT_DB_POOL_SIZE|ten|must be a whole number",
        "GENVAULT_DB_URL|postgres://u:secret@127.0.0.1:1/db|must be a jdbc:postgresql"
      })
  void a_wrong_setting_fails_first_with_what_to_fix(String name, String value, String message) {
    assertThatThrownBy(() -> ProductionWiring.start(Map.of(name, value), b -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining("secret");
  }

  @Test
  void tokens_map_to_users_in_the_order_given() {
    assertThat(BearerTokens.parse("bob=t2, alice = t1").byToken())
        .containsExactly(Map.entry("t2", "bob"), Map.entry("t1", "alice"));
    assertThat(BearerTokens.parse(null).byToken()).isEmpty();
  }
}
