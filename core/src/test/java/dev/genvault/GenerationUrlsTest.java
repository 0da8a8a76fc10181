package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The links the generator makes are the paths the routes parse. */
class GenerationUrlsTest {
  private final GenerationUrls urls = GenerationUrls.of("https://example.test/ai/");
  private final Instant t = Instant.parse("2026-11-01T00:00:00Z");

  private Generation generation(GenerationRequest request, int blobs) {
    Generation.Builder b =
        Generation.builder().id("abcdefghijklmnop0123").request(request).createdAt(t).updatedAt(t);
    List<BlobRef> refs = new java.util.ArrayList<>();
    for (int n = 0; n < blobs; n++) {
      refs.add(
          new BlobRef(
              "generations/abcdefghijklmnop0123/" + n + ".png",
              null,
              "image/png",
              1,
              "ab".repeat(32)));
    }
    return b.blobs(refs).build();
  }

  @Test
  void each_kind_has_its_path_and_every_link_parses_back_to_its_generation() {
    Generation prompt = generation(GenerationRequest.prompt("m", "p"), 0);
    Generation chat = generation(GenerationRequest.chat("m", List.of(Message.user("hi"))), 0);
    Generation image = generation(GenerationRequest.image("m", "a cat"), 2);
    assertThat(urls.url(prompt)).isEqualTo("https://example.test/ai/generate/abcdefghijklmnop0123");
    assertThat(urls.url(chat)).isEqualTo("https://example.test/ai/chat/abcdefghijklmnop0123");
    assertThat(urls.blobUrl(image, 1))
        .isEqualTo("https://example.test/ai/image/abcdefghijklmnop0123/1");
    for (String link : List.of(urls.url(prompt), urls.url(chat), urls.url(image))) {
      GenerationUrls.Target target =
          GenerationUrls.parse(link.substring(urls.base().length())).orElseThrow();
      assertThat(target.id()).isEqualTo("abcdefghijklmnop0123");
      assertThat(target.isBlob()).isFalse();
    }
    GenerationUrls.Target file =
        GenerationUrls.parse(urls.blobUrl(image, 1).substring(urls.base().length())).orElseThrow();
    assertThat(file.blob()).isEqualTo(1);
    assertThat(GenerationUrls.parse("/chat/abcdefghijklmnop0123/events").orElseThrow().events())
        .isTrue();
  }

  @Test
  void paths_that_name_no_generation_parse_to_nothing() {
    for (String path :
        List.of(
            "/", "/chat/", "/chat/a/b", "/video/abc", "/chat/../x", "/chat/abc/99999", "chat/x")) {
      assertThat(GenerationUrls.parse(path)).as(path).isEmpty();
    }
  }
}
