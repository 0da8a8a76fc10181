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
        .hasSize(64);
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
