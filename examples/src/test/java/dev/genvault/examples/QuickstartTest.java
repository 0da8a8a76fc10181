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
}
