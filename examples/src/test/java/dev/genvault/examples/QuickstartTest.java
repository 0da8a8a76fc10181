package dev.genvault.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.jdbc.JdbcGenerationStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {
  @TempDir Path data;

  @Test
  void the_quick_start_prints_id_url_text_usage_cost_and_the_dedup_hit() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Generation[] result =
        Quickstart.run(
            out,
            Map.of(
                "GENVAULT_DATA", data.toString(),
                "GENVAULT_DB", data.resolve("genvault.db").toString(),
                "GENVAULT_BASE_URL", "https://x.test"));
    String printed = bytes.toString(StandardCharsets.UTF_8);

    Generation first = result[0];
    Generation second = result[1];
    assertThat(first.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(printed)
        .contains("ID:     " + first.id())
        .contains("URL:    https://x.test/generate/" + first.id())
        .contains("Text:   " + first.text())
        .contains("input tokens")
        .contains("Cost:   $" + first.cost().usd().toPlainString())
        .contains("copied from " + first.id())
        .contains("saved $" + first.cost().usd().toPlainString());
    assertThat(second.cachedFrom()).isEqualTo(first.id());
    // Both rows are in the SQLite file, readable by a new store after the generator closed.
    try (JdbcGenerationStore reopened = JdbcGenerationStore.sqlite(data.resolve("genvault.db"))) {
      assertThat(reopened.find(first.id()).orElseThrow().text()).isEqualTo(first.text());
      assertThat(reopened.find(second.id()).orElseThrow().cachedFrom()).isEqualTo(first.id());
    }
  }

  @Test
  void with_an_api_key_the_quick_start_calls_the_openai_compatible_server_once() throws Exception {
    try (mockwebserver3.MockWebServer server = new mockwebserver3.MockWebServer()) {
      server.start(java.net.InetAddress.getLoopbackAddress(), 0);
      server.enqueue(
          new mockwebserver3.MockResponse.Builder()
              .code(200)
              .setHeader("Content-Type", "text/event-stream")
              .body(
                  "data: {\"id\":\"c1\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Disks spin, rows rest.\"},\"finish_reason\":\"stop\"}]}\n\n"
                      + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":6}}\n\n"
                      + "data: [DONE]\n\n")
              .build());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      Generation[] result =
          Quickstart.run(
              new PrintStream(bytes, true, StandardCharsets.UTF_8),
              Map.of(
                  "OPENAI_API_KEY", "sk-test-key",
                  "OPENAI_BASE_URL", server.url("/v1").toString(),
                  "GENVAULT_DATA", data.toString(),
                  "GENVAULT_DB", data.resolve("openai.db").toString()));
      String printed = bytes.toString(StandardCharsets.UTF_8);
      assertThat(printed)
          .contains("Model: gpt-4o-mini at " + server.url("/v1").toString().replaceAll("/$", ""));
      assertThat(result[0].text()).isEqualTo("Disks spin, rows rest.");
      // 20 x $0.15 + 6 x $0.60 = 3.0 + 3.6 = 6.6 per million, from the bundled table
      assertThat(result[0].cost().usd()).isEqualByComparingTo("0.0000066");
      assertThat(result[1].cachedFrom()).isEqualTo(result[0].id());
      assertThat(server.getRequestCount()).as("the repeat is served from the cache").isEqualTo(1);
      assertThat(printed).doesNotContain("sk-test-key");
    }
  }
}
