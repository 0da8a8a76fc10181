package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GenerationRequestTest {
  private static GenerationRequest.Builder valid() {
    return GenerationRequest.builder().model("gpt-4o-mini").prompt("hi");
  }

  private static void rejected(GenerationRequest.Builder b, String field) {
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field);
  }

  @Test
  void missing_or_blank_model_and_prompt_are_named() {
    rejected(GenerationRequest.builder().prompt("hi"), "model is required");
    rejected(GenerationRequest.builder().model("  ").prompt("hi"), "model is required");
    rejected(GenerationRequest.builder().model("m"), "prompt or messages is required");
    rejected(GenerationRequest.builder().model("m").prompt(" "), "prompt must not be blank");
    rejected(valid().messages(List.of(Message.user("x"))), "either prompt or messages");
  }

  @Test
  void parameters_out_of_range_are_named() {
    rejected(valid().temperature(2.5), "temperature");
    rejected(valid().temperature(Double.NaN), "temperature");
    rejected(valid().topP(0.0), "topP");
    rejected(valid().maxOutputTokens(0), "maxOutputTokens");
    rejected(valid().n(0), "n must be");
  }

  @Test
  void a_nul_character_in_any_input_is_refused_by_name() {
    rejected(GenerationRequest.builder().model("m").prompt("a\0b"), "prompt contains a NUL");
    rejected(valid().system("\0"), "system contains a NUL");
    rejected(
        GenerationRequest.builder().model("m").message(Message.user("x\0")),
        "messages[0].content contains a NUL");
    rejected(valid().metadata("k", "v\0"), "metadata 'k' contains a NUL");
  }

  /**
   * Every String that a request can carry, whichever builder method sets it, is checked: found by
   * reflection, so a field added later without the check fails here.
   */
  @ParameterizedTest
  @ValueSource(strings = {"a\0b", "ends with \uD800", "\uDFFF starts", "two \uDC00\uD800 reversed"})
  void every_string_field_of_a_request_refuses_text_that_cannot_be_stored(String bad)
      throws Exception {
    int checked = 0;
    for (Method setter : GenerationRequest.Builder.class.getMethods()) {
      if (setter.getReturnType() != GenerationRequest.Builder.class) {
        continue;
      }
      Class<?>[] types = setter.getParameterTypes();
      for (int position = 0; position < types.length; position++) {
        for (Object value : badValues(types[position], bad)) {
          GenerationRequest.Builder b = GenerationRequest.builder().model("m");
          boolean messages = setter.getName().startsWith("message");
          if (!messages) {
            b.prompt("p");
          }
          Object[] args = new Object[types.length];
          for (int i = 0; i < args.length; i++) {
            args[i] = i == position ? value : goodValue(types[i]);
          }
          String call = setter.getName() + java.util.Arrays.toString(args);
          try {
            setter.invoke(b, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof ClassCastException) {
              continue; // a list of the other element type
            }
            assertThat(e.getCause()).as(call).isInstanceOf(IllegalArgumentException.class);
            checked++;
            continue;
          }
          assertThatThrownBy(b::build)
              .as(call)
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageMatching("(?s).*(NUL|unpaired surrogate).*");
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(20);
  }

  private static List<Object> badValues(Class<?> type, String bad) {
    if (type == String.class) {
      return List.of(bad);
    }
    if (type == Message.class) {
      return List.of(new Message("user", bad), new Message(bad, "x"));
    }
    if (type == List.class) {
      // stop(List<String>) and messages(List<Message>): the test tells them apart by what fails.
      return List.of(
          List.of(bad), List.of(new Message("user", bad)), List.of(new Message(bad, "x")));
    }
    if (type == Map.class) {
      return List.of(Map.of(bad, "v"), Map.of("k", bad));
    }
    return List.of();
  }

  private static Object goodValue(Class<?> type) {
    if (type == String.class) {
      return "1";
    }
    if (type == Message.class) {
      return Message.user("x");
    }
    if (type == List.class) {
      return List.of();
    }
    if (type == Map.class) {
      return Map.of();
    }
    return null;
  }

  @Test
  void well_formed_surrogate_pairs_are_accepted() {
    GenerationRequest r = valid().prompt("emoji \uD83D\uDE00 ok").userId("\uD83D\uDE00").build();
    assertThat(r.prompt()).contains("\uD83D\uDE00");
  }

  @Test
  void blank_user_and_tenant_ids_are_refused() {
    rejected(valid().userId(""), "userId");
    rejected(valid().tenantId(" "), "tenantId");
    rejected(valid().userId("u".repeat(257)), "userId");
  }

  @Test
  void metadata_is_limited_to_16_pairs_64_char_keys_and_512_char_values() {
    GenerationRequest.Builder many = valid();
    for (int i = 0; i < 17; i++) {
      many.metadata("k" + i, "v");
    }
    rejected(many, "17 pairs");
    rejected(valid().metadata("k".repeat(65), "v"), "metadata key");
    rejected(valid().metadata("", "v"), "metadata key");
    rejected(valid().metadata("k", "v".repeat(513)), "513 characters");
    GenerationRequest ok = valid().metadata("k".repeat(64), "v".repeat(512)).build();
    assertThat(ok.metadata()).hasSize(1);
  }

  @Test
  void the_conversation_puts_the_system_prompt_first() {
    GenerationRequest r = valid().system("be brief").build();
    assertThat(r.conversation()).containsExactly(Message.system("be brief"), Message.user("hi"));
    assertThat(r.inputLength()).isEqualTo(10);
  }

  @Test
  void to_builder_round_trips_every_field_and_to_string_shows_no_prompt() {
    GenerationRequest r =
        valid()
            .temperature(0.3)
            .topP(0.5)
            .maxOutputTokens(9)
            .seed(1L)
            .n(2)
            .stop(List.of("x"))
            .responseFormat("{}")
            .tools("[]")
            .toolChoice("auto")
            .imageSize("1024x1024")
            .imageQuality("high")
            .parameter("presence_penalty", "0.1")
            .userId("u")
            .tenantId("t")
            .metadata("a", "b")
            .prompt("a secret prompt")
            .build();
    assertThat(r.toBuilder().build()).isEqualTo(r);
    assertThat(r.toString()).doesNotContain("secret");
  }
}
