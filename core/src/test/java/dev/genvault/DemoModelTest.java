package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.spi.GenerationStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoModelTest {
  @Test
  void the_same_request_gets_the_same_text_with_usage() {
    try (PersistentGenerator genvault =
        PersistentGenerator.builder()
            .store(GenerationStore.inMemory())
            .cache(dev.genvault.spi.DedupCache.none())
            .build()) {
      DemoModel demo = DemoModel.create(Duration.ZERO, 12);
      Generation a =
          genvault.generate(GenerationRequest.prompt("demo", "Tell me about rivers"), demo);
      Generation b =
          genvault.generate(GenerationRequest.prompt("demo", "Tell me about rivers"), demo);
      Generation c =
          genvault.generate(GenerationRequest.prompt("demo", "Tell me about hills"), demo);
      assertThat(a.text()).isEqualTo(b.text()).isNotEqualTo(c.text()).endsWith(".");
      assertThat(a.text().split(" ").length).isBetween(1, 12);
      assertThat(a.usage().outputTokens()).isEqualTo(a.text().split(" ").length);
      assertThat(a.usage().inputTokens()).isPositive();
      assertThat(a.providerModel()).isEqualTo(DemoModel.MODEL);
      assertThat(a.provider()).isEqualTo("demo");
    }
  }

  @Test
  void max_output_tokens_truncates_with_the_length_finish_reason() {
    try (PersistentGenerator genvault =
        PersistentGenerator.builder().store(GenerationStore.inMemory()).build()) {
      Generation g =
          genvault.generate(
              GenerationRequest.builder().model("demo").prompt("x").maxOutputTokens(3).build(),
              DemoModel.create(Duration.ZERO, 12));
      assertThat(g.finishReason()).isEqualTo("length");
      assertThat(g.text().split(" ")).hasSize(3);
    }
  }

  @Test
  void the_pace_goes_through_the_sleeper() {
    java.util.List<Duration> slept = new java.util.ArrayList<>();
    try (PersistentGenerator genvault =
        PersistentGenerator.builder().store(GenerationStore.inMemory()).build()) {
      Generation g =
          genvault.generate(
              GenerationRequest.prompt("demo", "x"),
              DemoModel.create(Duration.ofMillis(30), 40, slept::add));
      assertThat(slept)
          .hasSize(g.usage().outputTokens().intValue())
          .containsOnly(Duration.ofMillis(30));
    }
  }

  @Test
  void an_image_request_gets_a_real_png_drawn_without_awt() throws Exception {
    dev.genvault.spi.BlobStore blobs = dev.genvault.spi.BlobStore.inMemory();
    try (PersistentGenerator genvault =
        PersistentGenerator.builder().store(GenerationStore.inMemory()).blobs(blobs).build()) {
      Generation g =
          genvault.generate(
              GenerationRequest.image("demo", "a gradient"), DemoModel.create(Duration.ZERO, 3));
      BlobRef ref = g.blobs().get(0);
      assertThat(ref.contentType()).isEqualTo("image/png");
      try (java.io.InputStream in = blobs.open(ref.key()).orElseThrow()) {
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(in);
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(64);
        assertThat(image.getRGB(0, 0)).isNotEqualTo(image.getRGB(63, 63));
      }
    }
  }
}
