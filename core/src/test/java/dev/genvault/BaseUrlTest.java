package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.spi.GenerationStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BaseUrlTest {

  @Test
  void a_base_url_without_a_scheme_is_refused_with_what_to_write_instead() {
    assertThatThrownBy(() -> PersistentGenerator.builder().baseUrl("example.com/ai"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("example.com/ai")
        .hasMessageContaining("https://example.com/ai");
    assertThatThrownBy(() -> PersistentGenerator.builder().baseUrl("localhost:8080"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://localhost:8080");
    assertThatThrownBy(() -> PersistentGenerator.builder().baseUrl("ftp://example.com/ai"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http:// or https://");
    assertThatThrownBy(() -> PersistentGenerator.builder().baseUrl("https:///ai"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no host");
    assertThatThrownBy(() -> PersistentGenerator.builder().baseUrl(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_valid_base_url_makes_the_links() {
    try (PersistentGenerator genvault =
        PersistentGenerator.builder()
            .store(GenerationStore.inMemory())
            .baseUrl("http://127.0.0.1:8080/ai/")
            .build()) {
      Generation g =
          genvault.generate(
              GenerationRequest.prompt(DemoModel.MODEL, "Write a haiku"), DemoModel.create());
      assertThat(genvault.url(g)).isEqualTo("http://127.0.0.1:8080/ai/generate/" + g.id());
    }
  }

  @Test
  void without_a_base_url_the_default_is_told_once() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    GenerationUrls.DEFAULT_TOLD.set(false);
    try {
      PersistentGenerator.builder().store(GenerationStore.inMemory()).build().close();
      PersistentGenerator.builder().store(GenerationStore.inMemory()).build().close();
      PersistentGenerator.builder()
          .store(GenerationStore.inMemory())
          .baseUrl("https://example.com/ai")
          .build()
          .close();
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("http://localhost:8080").contains("baseUrl(");
    assertThat(log.split("http://localhost:8080", -1)).hasSize(2);
  }
}
