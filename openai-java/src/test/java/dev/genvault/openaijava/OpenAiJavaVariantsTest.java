package dev.genvault.openaijava;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.Message;
import dev.genvault.openaijava.OpenAiJava.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mechanically broken streams through the SDK: from the tests' intact chat and Responses streams,
 * every member of every event is removed, nulled, made an unknown string, an empty string, an empty
 * object, or a number (-1 and 1e308). Each variant must end in a stored, terminal record: complete,
 * or an error of a type a broken answer can have; never an exception other than {@link
 * GenerationFailedException}, never a row left pending.
 */
class OpenAiJavaVariantsTest extends LocalServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<ErrorType> BROKEN_ANSWER =
      EnumSet.of(ErrorType.INVALID_RESPONSE, ErrorType.STREAM_INCOMPLETE, ErrorType.PROVIDER_ERROR);

  /** How a value is broken. */
  enum Change {
    REMOVED(v -> null),
    NULL(v -> JsonNodeFactory.instance.nullNode()),
    UNKNOWN(v -> JsonNodeFactory.instance.textNode("zz_unknown_value")),
    EMPTY(v -> JsonNodeFactory.instance.textNode("")),
    OBJECT(v -> JsonNodeFactory.instance.objectNode()),
    NEGATIVE(v -> JsonNodeFactory.instance.numberNode(-1)),
    HUGE(v -> JsonNodeFactory.instance.numberNode(1e308));

    final Function<JsonNode, JsonNode> to;

    Change(Function<JsonNode, JsonNode> to) {
      this.to = to;
    }
  }

  /** Each path of each event of the API's intact stream, with each change: the variants. */
  record Variant(int event, String path, Change change) {
    @Override
    public String toString() {
      return "event " + event + " " + path + " " + change;
    }
  }

  static List<Variant> variants(String stream) throws Exception {
    List<Variant> all = new ArrayList<>();
    List<String> events = events(stream);
    for (int e = 0; e < events.size(); e++) {
      List<String> paths = new ArrayList<>();
      paths(JSON.readTree(events.get(e)), "", paths);
      for (String path : paths) {
        for (Change change : Change.values()) {
          all.add(new Variant(e, path, change));
        }
      }
    }
    return all;
  }

  /**
   * Every variant, one after another through one SDK client and one generator (each its own prompt,
   * so none is a dedup hit); every variant that breaks the promise is reported.
   */
  @ParameterizedTest
  @EnumSource(Api.class)
  void every_broken_answer_ends_in_a_terminal_record(Api api) throws Exception {
    String stream = api == Api.RESPONSES ? OpenAiJavaResponsesTest.STREAM : OpenAiJavaTest.STREAM;
    GenerationRequest intact =
        api == Api.RESPONSES ? OpenAiJavaResponsesTest.haiku() : OpenAiJavaTest.haiku();
    List<String> events = events(stream);
    OpenAiJava openai = OpenAiJava.wrap(sdk(), api);
    SoftAssertions softly = new SoftAssertions();
    List<Variant> variants = variants(stream);
    for (int v = 0; v < variants.size(); v++) {
      Variant variant = variants.get(v);
      JsonNode tree = JSON.readTree(events.get(variant.event()));
      apply(tree, variant.path(), variant.change());
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < events.size(); i++) {
        body.append(chunk(i == variant.event() ? JSON.writeValueAsString(tree) : events.get(i)));
      }
      if (api == Api.CHAT_COMPLETIONS) {
        body.append("data: [DONE]\n\n");
      }
      server.enqueue(sse(body.toString()));
      GenerationRequest request =
          intact.toBuilder().messages(List.of(Message.user("A haiku, variant " + v))).build();

      String id;
      boolean returned;
      try {
        id = genvault.generate(request, openai).id();
        returned = true;
      } catch (GenerationFailedException e) {
        id = e.generationId();
        returned = false;
      }

      String which = variant.toString();
      String generationId = id;
      Awaitility.await()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(10))
          .atMost(Duration.ofSeconds(10))
          .until(() -> store.find(generationId).map(Generation::isTerminal).orElse(false));
      Generation row = store.find(id).orElseThrow();
      if (row.status() == GenerationStatus.COMPLETE) {
        softly.assertThat(returned).as(which + ": the caller got the complete record").isTrue();
      } else {
        softly.assertThat(row.status()).as(which).isEqualTo(GenerationStatus.ERROR);
        softly.assertThat(row.errorType()).as(which).isIn(BROKEN_ANSWER);
        softly.assertThat(row.errorMessage()).as(which).isNotBlank();
      }
    }
    softly.assertAll();
    assertThat(variants).hasSizeGreaterThan(100);
  }

  /** The JSON of each {@code data:} line but {@code [DONE]}. */
  static List<String> events(String stream) {
    List<String> events = new ArrayList<>();
    for (String line : stream.split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
        events.add(line.substring("data: ".length()));
      }
    }
    return events;
  }

  /** Every member and element path of a tree, as {@code /a/0/b}. */
  static void paths(JsonNode node, String prefix, List<String> out) {
    if (node.isObject()) {
      node.fieldNames()
          .forEachRemaining(
              name -> {
                out.add(prefix + "/" + name);
                paths(node.get(name), prefix + "/" + name, out);
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        out.add(prefix + "/" + i);
        paths(node.get(i), prefix + "/" + i, out);
      }
    }
  }

  /** Changes the value at {@code path} in place. */
  static void apply(JsonNode root, String path, Change change) {
    int cut = path.lastIndexOf('/');
    ContainerNode<?> parent = (ContainerNode<?>) root.at(path.substring(0, cut));
    String last = path.substring(cut + 1);
    if (parent instanceof ObjectNode object) {
      JsonNode to = change.to.apply(object.get(last));
      if (to == null) {
        object.remove(last);
      } else {
        object.set(last, to);
      }
    } else {
      ArrayNode array = (ArrayNode) parent;
      int i = Integer.parseInt(last);
      JsonNode to = change.to.apply(array.get(i));
      if (to == null) {
        array.remove(i);
      } else {
        array.set(i, to);
      }
    }
  }
}
