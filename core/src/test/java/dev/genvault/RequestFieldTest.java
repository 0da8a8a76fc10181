package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.internal.RecordJson;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The declared list of request fields cannot drift from the request: found by reflection, every
 * field is declared, and changing any declared field changes the fingerprint exactly when it
 * affects the output, survives the stored JSON and breaks equality.
 */
class RequestFieldTest {
  private static final GenerationRequest PROMPT_BASE =
      GenerationRequest.builder().model("m").prompt("p").build();
  private static final GenerationRequest CHAT_BASE =
      GenerationRequest.builder().model("m").message(Message.user("hello")).build();

  private static String camel(RequestField f) {
    String[] parts = f.key().split("_");
    StringBuilder s = new StringBuilder(parts[0]);
    for (int i = 1; i < parts.length; i++) {
      s.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
    }
    return s.toString();
  }

  private static Set<String> declared() {
    return Arrays.stream(RequestField.values())
        .map(RequestFieldTest::camel)
        .collect(Collectors.toSet());
  }

  @Test
  void every_field_the_builder_holds_is_declared() {
    Set<String> builderFields =
        Arrays.stream(GenerationRequest.Builder.class.getDeclaredFields())
            .filter(f -> !Modifier.isStatic(f.getModifiers()))
            .map(Field::getName)
            .collect(Collectors.toSet());
    assertThat(declared()).isEqualTo(builderFields);
  }

  @Test
  void every_value_the_request_answers_is_declared_or_a_group_of_declared_ones() {
    Set<String> groups =
        Set.of("sampling", "toolOptions", "imageOptions", "attribution", "conversation");
    Set<String> getters =
        Arrays.stream(GenerationRequest.class.getDeclaredMethods())
            .filter(
                m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
            .filter(m -> m.getParameterCount() == 0)
            .map(Method::getName)
            .filter(n -> !Set.of("toBuilder", "hashCode", "toString", "inputLength").contains(n))
            .filter(n -> !groups.contains(n))
            .collect(Collectors.toSet());
    assertThat(getters).isEqualTo(declared());
  }

  /** A request that differs from its base in this field alone. */
  private static GenerationRequest changed(RequestField f) {
    GenerationRequest base = base(f);
    Object value =
        switch (f.type()) {
          case KIND -> GenerationKind.IMAGE;
          case TEXT -> "changed";
          case DECIMAL -> 0.5;
          case INTEGER -> 7;
          case TEXT_LIST -> List.of("changed");
          case MESSAGES -> List.of(Message.user("changed"));
          case TEXT_MAP -> Map.of("k", "1");
        };
    return base.toBuilder().set(f, value).build();
  }

  private static GenerationRequest base(RequestField f) {
    return f == RequestField.MESSAGES ? CHAT_BASE : PROMPT_BASE;
  }

  @ParameterizedTest
  @EnumSource(RequestField.class)
  void changing_a_field_changes_the_fingerprint_exactly_when_it_affects_the_output_or_scope(
      RequestField f) {
    GenerationRequest changed = changed(f);
    assertThat(f.value(changed)).isNotEqualTo(f.value(base(f)));
    boolean differs =
        !Fingerprint.of(changed, CacheScope.TENANT)
            .equals(Fingerprint.of(base(f), CacheScope.TENANT));
    // The tenant is not output but always scopes the cache (the user too, with CacheScope.USER).
    boolean scope = f == RequestField.TENANT_ID;
    assertThat(differs).as(f + " changes the fingerprint").isEqualTo(f.affectsOutput() || scope);
  }

  @ParameterizedTest
  @EnumSource(RequestField.class)
  void a_changed_field_survives_the_stored_json_and_breaks_equality(RequestField f) {
    GenerationRequest changed = changed(f);
    assertThat(changed).isNotEqualTo(base(f));
    assertThat(RecordJson.request(RecordJson.request(changed))).isEqualTo(changed);
    assertThat(RecordJson.request(RecordJson.storedRequest(changed, 0, Set.of())))
        .isEqualTo(changed);
    assertThat(changed.toBuilder().build()).isEqualTo(changed);
    assertThat(RequestField.forKey(f.key())).isEqualTo(f);
  }

  @Test
  void a_store_keeps_messages_as_pairs_and_reads_the_objects_written_before() {
    GenerationRequest r =
        GenerationRequest.builder()
            .model("m")
            .message(Message.user("q1 \"quoted\" \u00E9"))
            .message(Message.assistant(""))
            .message(Message.user("q2"))
            .build();
    Set<RequestField> omitted = Set.of(RequestField.KIND, RequestField.MODEL);
    String stored = RecordJson.storedRequest(r, 0, omitted);
    assertThat(stored)
        .isEqualTo(
            "{\"messages\":[[\"user\",\"q1 \\\"quoted\\\" \u00E9\"],[\"assistant\",\"\"],"
                + "[\"user\",\"q2\"]]}");
    Map<RequestField, Object> columns =
        Map.of(RequestField.KIND, GenerationKind.TEXT, RequestField.MODEL, "m");
    assertThat(RecordJson.request(stored, List.of(), columns)).isEqualTo(r);
    // A continuation keeps the messages after its parent's; the parent's come back from the walk.
    String tail = RecordJson.storedRequest(r, 2, omitted);
    assertThat(tail).isEqualTo("{\"messages\":[[\"user\",\"q2\"]]}");
    assertThat(RecordJson.request(tail, r.messages().subList(0, 2), columns)).isEqualTo(r);
    assertThat(RecordJson.conversation(tail)).containsExactly(Message.user("q2"));
    // Rows written before kept each message as an object: they read as they did.
    assertThat(RecordJson.request(RecordJson.request(r), List.of(), Map.of())).isEqualTo(r);
    assertThat(RecordJson.request(r)).contains("{\"role\":\"user\",\"content\":\"q2\"}");
  }

  @Test
  void a_stored_pair_of_any_other_shape_is_refused_and_the_http_form_takes_objects_only()
      throws java.io.IOException {
    for (String messages :
        List.of("[[\"user\"]]", "[[\"user\",\"a\",\"b\"]]", "[[null,\"a\"]]", "[[]]")) {
      String json = "{\"model\":\"m\",\"messages\":" + messages + "}";
      org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
          .as(json)
          .isThrownBy(() -> RecordJson.request(json))
          .withMessageContaining("$.messages[0]");
    }
    // The routes' reader (Submissions) takes messages as the API documents them: objects.
    try (com.squareup.moshi.JsonReader r =
        com.squareup.moshi.JsonReader.of(new okio.Buffer().writeUtf8("[[\"user\",\"a\"]]"))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> RecordJson.messages(r))
          .isInstanceOf(com.squareup.moshi.JsonDataException.class)
          .hasMessageContaining("BEGIN_OBJECT");
    }
  }

  @Test
  void the_tenant_and_with_the_user_scope_the_user_still_keep_caches_apart() {
    GenerationRequest alice = PROMPT_BASE.toBuilder().userId("alice").tenantId("t").build();
    GenerationRequest bob = alice.toBuilder().userId("bob").build();
    GenerationRequest otherTenant = alice.toBuilder().tenantId("u").build();
    assertThat(Fingerprint.of(alice, CacheScope.USER))
        .isNotEqualTo(Fingerprint.of(bob, CacheScope.USER));
    assertThat(Fingerprint.of(alice, CacheScope.TENANT))
        .isEqualTo(Fingerprint.of(bob, CacheScope.TENANT));
    assertThat(Fingerprint.of(alice, CacheScope.TENANT))
        .isNotEqualTo(Fingerprint.of(otherTenant, CacheScope.TENANT));
  }

  @Test
  void setting_a_field_checks_the_value_type_and_replaces_what_was_there() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PROMPT_BASE.toBuilder().set(RequestField.TEMPERATURE, "hot"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("temperature takes a number, not String");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PROMPT_BASE.toBuilder().set(RequestField.STOP, List.of(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stop takes a list of String");
    GenerationRequest r =
        PROMPT_BASE.toBuilder()
            .parameter("a", "1")
            .set(RequestField.PARAMETERS, Map.of("b", "2"))
            .build();
    assertThat(r.parameters()).isEqualTo(Map.of("b", "2"));
  }
}
