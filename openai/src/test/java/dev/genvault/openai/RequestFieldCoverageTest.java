package dev.genvault.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.GenerationKind;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.RequestField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request field that affects the output is either sent by each API's wire writer or refused
 * before anything is sent: none is dropped silently. Walks {@link RequestField}, so a field added
 * to the request is covered here without an edit.
 */
class RequestFieldCoverageTest {
  private static final Map<String, Function<GenerationRequest, String>> APIS =
      Map.of(
          "chat completions",
          r -> ChatCodec.body(r, true),
          "responses",
          r -> ResponsesCodec.body(r, true),
          "images",
          ImagesCodec::body);

  static List<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (String api : APIS.keySet()) {
      for (RequestField f : RequestField.values()) {
        if (f.affectsOutput() && f != RequestField.KIND) {
          cases.add(Arguments.of(api, f));
        }
      }
    }
    return cases;
  }

  private static GenerationRequest base(String api, RequestField f) {
    GenerationRequest.Builder b = GenerationRequest.builder().model("gpt-4o-mini");
    if (api.equals("images")) {
      b.kind(GenerationKind.IMAGE);
    }
    return f == RequestField.MESSAGES
        ? b.message(Message.user("hello")).build()
        : b.prompt("p").build();
  }

  /** A value the API could send, different from the base's. */
  private static Object changed(RequestField f) {
    return switch (f) {
      case RESPONSE_FORMAT -> "{\"type\":\"json_object\"}";
      case TOOLS -> "[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";
      case TOOL_CHOICE -> "\"auto\"";
      case PARAMETERS -> Map.of("presence_penalty", "0.5");
      case TEMPERATURE, TOP_P -> 0.5;
      case MAX_OUTPUT_TOKENS, SEED, N -> 64;
      case STOP -> List.of("END");
      case MESSAGES -> List.of(Message.user("changed"));
      default -> "changed";
    };
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void a_field_that_changes_the_output_is_sent_or_refused_never_dropped(
      String api, RequestField f) {
    Function<GenerationRequest, String> writer = APIS.get(api);
    GenerationRequest base = base(api, f);
    GenerationRequest changed = base.toBuilder().set(f, changed(f)).build();
    String before = writer.apply(base);
    String after;
    try {
      after = writer.apply(changed);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).as("says what cannot be sent").isNotBlank();
      return;
    }
    assertThat(after).as(f + " reaches the " + api + " body").isNotEqualTo(before);
  }
}
