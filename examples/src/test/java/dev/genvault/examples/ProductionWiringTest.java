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
        "GENVAULT_DB_URL|postgres://u:secret@127.0.0.1:1/db|must be a jdbc:postgresql",
        "GENVAULT_BUDGET_USER_DAY|five|must be a dollar amount",
        "GENVAULT_BUDGET_TENANT_MONTH|-1|must be a dollar amount",
        "GENVAULT_BUDGET_ZONE|Mars/Olympus|must be a time zone",
        "GENVAULT_PRICES_URL|ftp://u:secret@x/data.json|file, http or https"
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

  @Test
  void budgets_from_the_environment_refuse_what_does_not_fit_and_show_in_the_history()
      throws Exception {
    try (ProductionWiring app =
        ProductionWiring.start(
            Map.of(
                "GENVAULT_CACHE", "none",
                "GENVAULT_HTTP_PORT", "0",
                "GENVAULT_USER_TOKENS", "alice=t1",
                "GENVAULT_BUDGET_USER_DAY", "0.01",
                "GENVAULT_BUDGET_ZONE", "Europe/Paris"),
            b -> {})) {
      dev.genvault.GenerationRequest ask =
          dev.genvault.GenerationRequest.builder()
              .model(dev.genvault.DemoModel.MODEL)
              .prompt("Write a haiku")
              .userId("alice")
              .build();
      // The demo model at $0.60 per million output tokens: 4,096 of them fit in $0.01.
      assertThat(app.generator().generate(ask, app.model()).status())
          .isEqualTo(dev.genvault.GenerationStatus.COMPLETE);
      dev.genvault.BudgetStatus status = app.generator().budgetStatus("alice", null).get(0);
      assertThat(status.budget().zone()).isEqualTo(java.time.ZoneId.of("Europe/Paris"));
      assertThat(status.spent()).isPositive();
      java.net.http.HttpResponse<String> history =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(app.baseUrl() + "/generations"))
                      .header("Authorization", "Bearer t1")
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(history.statusCode()).isEqualTo(200);
      assertThat(history.body()).contains("Budget $0.01 a day per user (Europe/Paris) for alice");
      // 100,000 output tokens may cost $0.06: more than the day's budget, refused before the call.
      dev.genvault.GenerationRequest large = ask.toBuilder().maxOutputTokens(100_000).build();
      assertThatThrownBy(() -> app.generator().generate(large, app.model()))
          .isInstanceOf(dev.genvault.BudgetExceededException.class);
    }
  }
}
