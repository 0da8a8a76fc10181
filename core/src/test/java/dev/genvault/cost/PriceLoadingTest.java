package dev.genvault.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.genvault.Cost;
import dev.genvault.Usage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prices loaded from a genai-prices data.json: loading, validation, refresh and precedence. */
class PriceLoadingTest {
  private static final Instant AT = Instant.parse("2026-10-15T12:00:00Z");
  private static final Usage MILLION_EACH = Usage.of(1_000_000, 1_000_000);

  /** A small data.json in the reference's format: a price cut, tiers, a key not used. */
  static String data(String miniInput) {
    return """
        [
          {"id": "openai", "name": "OpenAI", "model_match": {"starts_with": "gpt-"},
           "models": [
             {"id": "gpt-4o-mini", "match": {"or": [{"equals": "gpt-4o-mini"},
                                                    {"starts_with": "gpt-4o-mini-20"}]},
              "prices": {"input_mtok": %s, "output_mtok": 2.00, "web_searches_kcount": 10}},
             {"id": "brand-new-model", "match": {"equals": "brand-new-model"},
              "prices": [
                {"prices": {"input_mtok": 4, "output_mtok": 8}},
                {"constraint": {"start_date": "2026-10-01"},
                 "prices": {"input_mtok": {"base": 2, "tiers": [{"start": 200000, "price": 3}]},
                            "output_mtok": 6}}
              ]}
           ]}
        ]
        """
        .formatted(miniInput);
  }

  private static Cost cost(Pricing pricing, String model) {
    return pricing.cost(model, null, MILLION_EACH, AT);
  }

  @Test
  void loaded_prices_win_over_the_bundled_ones_and_overrides_over_both(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("data.json");
    Files.writeString(file, data("1.00"));
    try (Pricing pricing =
        Pricing.builder()
            .prices(file)
            .override("override-me", ModelPrice.of("0.5", "0.5"))
            .override(
                "brand-new-model", java.time.LocalDate.parse("2026-10-10"), ModelPrice.of("9", "9"))
            .build()) {
      LoadedPrices loaded = pricing.loaded().orElseThrow();
      assertThat(loaded.version()).matches("2026-10-01/[0-9a-f]{12}");
      assertThat(loaded.location()).isEqualTo(file.toString());
      assertThat(loaded.unsupportedKeys()).containsExactly("web_searches_kcount");
      assertThat(pricing.tableVersion()).contains(loaded.version());

      // Loaded over bundled: 1 + 2 per million each, and the cost records the loaded version.
      Cost mini = cost(pricing, "gpt-4o-mini-2024-07-18");
      assertThat(mini.usd()).isEqualByComparingTo("3");
      assertThat(mini.source().id()).isEqualTo(loaded.version());
      // A model the loaded data does not know falls to the bundled table (0.8 in, 4 out).
      Cost haiku = cost(pricing, "claude-3-5-haiku-20241022");
      assertThat(haiku.usd()).isEqualByComparingTo("4.8");
      assertThat(haiku.source().id()).isEqualTo(Pricing.bundledVersion());
      // An override prices a model no table knows.
      assertThat(cost(pricing, "override-me").usd()).isEqualByComparingTo("1");
      assertThat(cost(pricing, "override-me").source())
          .isEqualTo(dev.genvault.PriceSource.OVERRIDE);
      // Overrides over loaded, from their day on; before it, the loaded price cut of 2026-10-01.
      assertThat(cost(pricing, "brand-new-model").usd()).isEqualByComparingTo("18");
      assertThat(
              pricing
                  .cost(
                      "brand-new-model", null, MILLION_EACH, Instant.parse("2026-10-05T00:00:00Z"))
                  .usd())
          .as("the tier applies to the whole request above 200k input tokens")
          .isEqualByComparingTo("9");
      assertThat(
              pricing
                  .cost(
                      "brand-new-model", null, MILLION_EACH, Instant.parse("2026-09-05T00:00:00Z"))
                  .usd())
          .isEqualByComparingTo("12");
    }
  }

  @Test
  void a_file_that_is_not_valid_price_data_is_refused_saying_why() {
    String[][] bad = {
      {"not json", "not valid JSON"},
      {"[]", "no providers"},
      {"{}", "is not an array"},
      {"[{\"id\": \"p\", \"models\": []}]", "no models"},
      {data("-1"), "negative"},
      {data("\"cheap\""), "not a number"},
      {data("1").replace("starts_with\": \"gpt-\"", "fuzzy\": \"gpt-\""), "unknown match kind"},
      {
        data("1").replace("{\"equals\": \"brand-new-model\"}", "{\"regex\": \"[\"}"),
        "brand-new-model"
      },
      {data("1").replace("start_date", "weekday"), "unknown constraint"},
      {data("1").replace("2026-10-01", "soon"), "not a genai-prices data file"},
      {data("1e999999999"), "out of range"},
      {data("1").replace("\"id\": \"gpt-4o-mini\"", "\"id\": \"x\\nprice\\t-\""), "line break"},
      {
        data("1").replace("{\"start\": 200000, \"price\": 3}", "{\"price\": 3}, {\"price\": 4}"),
        "not a genai-prices data file"
      },
    };
    for (String[] b : bad) {
      assertThatThrownBy(() -> GenaiPricesData.read(b[0].getBytes(StandardCharsets.UTF_8), "x"))
          .as(b[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(b[1]);
    }
  }

  @Test
  void a_failed_load_keeps_the_prices_in_force(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data.json");
    Files.writeString(file, "[]");
    try (Pricing pricing = Pricing.builder().prices(file).build()) {
      // The first load failed: the bundled table prices (0.15 in, 0.6 out).
      assertThat(pricing.loaded()).isEmpty();
      assertThat(pricing.refreshFailures()).isEqualTo(1);
      assertThat(cost(pricing, "gpt-4o-mini").usd()).isEqualByComparingTo("0.75");

      Files.writeString(file, data("1.00"));
      assertThat(pricing.refresh()).isTrue();
      String good = pricing.tableVersion().orElseThrow();
      assertThat(cost(pricing, "gpt-4o-mini").usd()).isEqualByComparingTo("3");

      // A broken file, then a missing one: the last good table stays.
      Files.writeString(file, "[{\"id\": ");
      assertThat(pricing.refresh()).isFalse();
      Files.delete(file);
      assertThat(pricing.refresh()).isFalse();
      assertThat(pricing.refreshFailures()).isEqualTo(3);
      assertThat(pricing.tableVersion()).contains(good);
      assertThat(cost(pricing, "gpt-4o-mini").usd()).isEqualByComparingTo("3");

      // New prices: a new version.
      Files.writeString(file, data("0.50"));
      assertThat(pricing.refresh()).isTrue();
      assertThat(pricing.tableVersion()).isNotEqualTo(good);
      assertThat(cost(pricing, "gpt-4o-mini").usd()).isEqualByComparingTo("2.5");
    }
  }

  @Test
  void prices_come_from_a_url_whose_token_is_never_shown() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    AtomicReference<String> body = new AtomicReference<>(data("1.00"));
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/prices/data.json",
        exchange -> {
          byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status.get(), bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    try (Pricing pricing =
        Pricing.builder()
            .prices(
                URI.create(
                    "http://user:secret@127.0.0.1:"
                        + server.getAddress().getPort()
                        + "/prices/data.json?token=canary"))
            .build()) {
      LoadedPrices loaded = pricing.loaded().orElseThrow();
      assertThat(loaded.location())
          .isEqualTo("http://127.0.0.1:" + server.getAddress().getPort() + "/prices/data.json")
          .doesNotContain("secret", "canary");
      assertThat(cost(pricing, "gpt-4o-mini").usd()).isEqualByComparingTo("3");

      status.set(503);
      body.set("down");
      assertThat(pricing.refresh()).isFalse();
      assertThat(cost(pricing, "gpt-4o-mini").usd()).isEqualByComparingTo("3");
    } finally {
      server.stop(0);
    }
    assertThatThrownBy(() -> Pricing.builder().prices(URI.create("ftp://x/data.json")))
        .isInstanceOf(IllegalArgumentException.class);
    // A host name java.net.URI cannot read as one: refused at once, the token not repeated.
    assertThatThrownBy(
            () ->
                Pricing.builder().prices(URI.create("https://prices_svc:8080/d.json?token=canary")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("canary");
    // A failed fetch says where without the query.
    int closed;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertThatThrownBy(
            () ->
                PriceLoader.of(URI.create("http://127.0.0.1:" + closed + "/d.json?token=canary"))
                    .load())
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("http://127.0.0.1:" + closed + "/d.json")
        .hasMessageNotContaining("canary");
  }

  @Test
  void refreshes_on_a_schedule_until_closed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data.json");
    Files.writeString(file, data("1.00"));
    Pricing pricing = Pricing.builder().prices(file).refreshEvery(Duration.ofMillis(20)).build();
    try {
      assertThat(cost(pricing, "gpt-4o-mini").usd()).isEqualByComparingTo("3");
      Files.writeString(file, data("0.50"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  cost(pricing, "gpt-4o-mini").usd().compareTo(new java.math.BigDecimal("2.5"))
                      == 0);
    } finally {
      pricing.close();
    }
    assertThatThrownBy(() -> Pricing.builder().refreshEvery(Duration.ofMinutes(1)).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void an_unknown_model_costs_null_and_is_counted() {
    Pricing pricing = Pricing.builder().build();
    assertThat(pricing.cost("no-such-model-anywhere", null, MILLION_EACH, AT)).isNull();
    assertThat(pricing.cost("no-such-model-anywhere", null, MILLION_EACH, AT)).isNull();
    assertThat(pricing.cost("no-such-model-anywhere", null, null, AT)).as("no usage").isNull();
    assertThat(pricing.unpricedGenerations()).isEqualTo(2);
    assertThat(pricing.unpricedModels()).containsExactly("no-such-model-anywhere");
  }
}
