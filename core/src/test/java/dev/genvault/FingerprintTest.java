package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FingerprintTest {
  private static final GenerationRequest BASE =
      GenerationRequest.builder()
          .model("gpt-4o-mini")
          .prompt("hello")
          .tenantId("t1")
          .userId("u1")
          .build();

  @Test
  void the_same_request_always_has_the_same_fingerprint() {
    assertThat(Fingerprint.of(BASE, CacheScope.TENANT))
        .isEqualTo(Fingerprint.of(BASE.toBuilder().build(), CacheScope.TENANT))
        .hasSize(32);
  }

  /**
   * The encoding is part of the stored data (cache keys name fingerprints, rows keep them), so it
   * never changes by accident: these values were computed by the first implementation (which kept
   * all 256 bits; these are their first 128).
   */
  @Test
  void the_encoding_is_stable_for_every_kind_of_text() {
    GenerationRequest r =
        BASE.toBuilder()
            .prompt(null)
            .system("Réponds en français \u6F22\uD83D\uDE00")
            .messages(
                List.of(
                    Message.user("caf\u00E9 \uD83D\uDE00 \u6F22\u5B57"),
                    Message.assistant(""),
                    Message.user("x".repeat(5000))))
            .stop(List.of("\n\n", "END"))
            .parameter("presence_penalty", "0.5")
            .parameter("logit_bias", "{\"50256\":-100}")
            .temperature(0.25)
            .build();
    assertThat(Fingerprint.of(r, CacheScope.TENANT)).isEqualTo("245ee5b9430449e6ad3130b28ce14a56");
    assertThat(Fingerprint.of(r, CacheScope.USER)).isEqualTo("29821f264b41ac9220fa2436a5a82d3a");
    assertThat(
            dev.genvault.spi.Threads.hashOf(
                Generation.builder()
                    .id("g1")
                    .request(r)
                    .status(GenerationStatus.COMPLETE)
                    .text("r\u00E9ponse \uD83D\uDE00")
                    .createdAt(java.time.Instant.EPOCH)
                    .build()))
        .isEqualTo("f85a9a628346f8d83c42ad7d0e7cbf3e");
    assertThat(dev.genvault.spi.Threads.prefixesOf(r))
        .extracting(dev.genvault.spi.Threads.Prefix::hash)
        .containsExactly("7eff0617fb52ae9ad91f83774798fd93");
    // The thread key (schema 5): the conversation without the answer, pinned when it was added.
    assertThat(dev.genvault.spi.Threads.keyOf(r)).isEqualTo("8327d85ad3408cad549993e232b1a3e5");
    assertThat(dev.genvault.spi.Threads.prefixesOf(r))
        .extracting(dev.genvault.spi.Threads.Prefix::key)
        .containsExactly("3195b55ed38b811940de2d8a906f7d7e");
  }

  /** The digest of a request's conversation is reused across calls, never changed by them. */
  @Test
  void thread_hashes_of_one_request_with_several_answers_do_not_disturb_each_other() {
    GenerationRequest r =
        BASE.toBuilder()
            .prompt(null)
            .messages(List.of(Message.user("q"), Message.assistant("a"), Message.user("q2")))
            .build();
    Generation.Builder answered =
        Generation.builder().id("g").request(r).status(GenerationStatus.COMPLETE);
    answered.createdAt(java.time.Instant.EPOCH);
    String key = dev.genvault.spi.Threads.keyOf(r);
    String first = dev.genvault.spi.Threads.hashOf(answered.text("one").build());
    String second = dev.genvault.spi.Threads.hashOf(answered.text("two").build());
    List<dev.genvault.spi.Threads.Prefix> prefixes = dev.genvault.spi.Threads.prefixesOf(r);

    GenerationRequest same = r.toBuilder().build(); // equal, another instance: computed afresh
    Generation.Builder again =
        Generation.builder().id("h").request(same).status(GenerationStatus.COMPLETE);
    again.createdAt(java.time.Instant.EPOCH);
    assertThat(first).isNotEqualTo(second);
    assertThat(dev.genvault.spi.Threads.hashOf(again.text("one").build())).isEqualTo(first);
    assertThat(dev.genvault.spi.Threads.hashOf(answered.text("one").build())).isEqualTo(first);
    assertThat(dev.genvault.spi.Threads.keyOf(r)).isEqualTo(key).isNotEqualTo(first);
    assertThat(dev.genvault.spi.Threads.keyOf(same)).isEqualTo(key);
    assertThat(dev.genvault.spi.Threads.prefixesOf(same)).isEqualTo(prefixes);
  }

  /** An answer with a lone surrogate has no UTF-8 form, so no thread hash: it is not continued. */
  @Test
  void an_answer_that_is_not_valid_unicode_has_no_thread_hash() {
    Generation.Builder answered =
        Generation.builder()
            .id("g1")
            .request(BASE.toBuilder().prompt(null).messages(List.of(Message.user("q"))).build())
            .status(GenerationStatus.COMPLETE)
            .createdAt(java.time.Instant.EPOCH);
    assertThat(dev.genvault.spi.Threads.hashOf(answered.text("ok \uD83D\uDE00").build()))
        .isNotNull();
    assertThat(dev.genvault.spi.Threads.hashOf(answered.text("lone \uD83D!").build())).isNull();
    assertThat(dev.genvault.spi.Threads.hashOf(answered.text("\uDE00 low first").build())).isNull();
    assertThat(dev.genvault.spi.Threads.hashOf(answered.text("ends high \uD83D").build())).isNull();
  }

  @Test
  void every_output_changing_field_changes_it() {
    List<GenerationRequest> variants =
        List.of(
            BASE,
            BASE.toBuilder().model("gpt-4o").build(),
            BASE.toBuilder().prompt("hello!").build(),
            BASE.toBuilder().system("sys").build(),
            BASE.toBuilder().temperature(0.5).build(),
            BASE.toBuilder().topP(0.5).build(),
            BASE.toBuilder().maxOutputTokens(5).build(),
            BASE.toBuilder().seed(1L).build(),
            BASE.toBuilder().n(2).build(),
            BASE.toBuilder().stop(List.of("x")).build(),
            BASE.toBuilder().responseFormat("{\"type\":\"json_object\"}").build(),
            BASE.toBuilder().tools("[]").build(),
            BASE.toBuilder().toolChoice("none").build(),
            BASE.toBuilder().imageSize("256x256").build(),
            BASE.toBuilder().imageQuality("low").build(),
            BASE.toBuilder().parameter("presence_penalty", "1").build(),
            BASE.toBuilder().tenantId("t2").build(),
            BASE.toBuilder().tenantId(null).build(),
            BASE.toBuilder().kind(GenerationKind.IMAGE).build());
    Set<String> seen = new HashSet<>();
    for (GenerationRequest r : variants) {
      assertThat(seen.add(Fingerprint.of(r, CacheScope.TENANT))).as(r.toString()).isTrue();
    }
  }

  @Test
  void
      metadata_and_the_user_do_not_change_it_under_tenant_scope_but_the_user_does_under_user_scope() {
    GenerationRequest other = BASE.toBuilder().userId("u2").metadata("trace", "abc").build();
    assertThat(Fingerprint.of(other, CacheScope.TENANT))
        .isEqualTo(Fingerprint.of(BASE, CacheScope.TENANT));
    assertThat(Fingerprint.of(other, CacheScope.USER))
        .isNotEqualTo(Fingerprint.of(BASE, CacheScope.USER));
  }

  @Test
  void the_encoding_is_unambiguous_where_plain_concatenation_would_collide() {
    GenerationRequest ab =
        GenerationRequest.builder()
            .model("m")
            .messages(List.of(Message.user("ab"), Message.user("c")))
            .build();
    GenerationRequest a =
        GenerationRequest.builder()
            .model("m")
            .messages(List.of(Message.user("a"), Message.user("bc")))
            .build();
    GenerationRequest stop1 = BASE.toBuilder().stop(List.of("a,b")).build();
    GenerationRequest stop2 = BASE.toBuilder().stop(List.of("a", "b")).build();
    assertThat(Fingerprint.of(ab, CacheScope.TENANT))
        .isNotEqualTo(Fingerprint.of(a, CacheScope.TENANT));
    assertThat(Fingerprint.of(stop1, CacheScope.TENANT))
        .isNotEqualTo(Fingerprint.of(stop2, CacheScope.TENANT));
    GenerationRequest promptOnly = GenerationRequest.builder().model("m").prompt("x").build();
    GenerationRequest userMessage =
        GenerationRequest.builder().model("m").messages(List.of(Message.user("x"))).build();
    assertThat(Fingerprint.of(promptOnly, CacheScope.TENANT))
        .isNotEqualTo(Fingerprint.of(userMessage, CacheScope.TENANT));
  }
}
