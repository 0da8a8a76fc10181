package dev.genvault.springai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genvault.Generation;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Mechanically broken answers through Spring AI's own OpenAI model, wrapped: from the tests' intact
 * whole completion and stream, every member of every event is removed, nulled, made an unknown
 * string, an object, or -1. Whatever Spring AI makes of each, the generation ends in a stored,
 * terminal record: complete, or an error with a message; never a row left pending.
 */
class VariantsTest extends LocalServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a value is broken. */
  enum Change {
    REMOVED(v -> null),
    NULL(v -> JsonNodeFactory.instance.nullNode()),
    UNKNOWN(v -> JsonNodeFactory.instance.textNode("zz_unknown_value")),
    OBJECT(v -> JsonNodeFactory.instance.objectNode()),
    NEGATIVE(v -> JsonNodeFactory.instance.numberNode(-1));

    final Function<JsonNode, JsonNode> to;

    Change(Function<JsonNode, JsonNode> to) {
      this.to = to;
    }
  }

  @Test
  void every_broken_whole_answer_ends_in_a_terminal_record() throws Exception {
    ChatModel model =
        PersistentChatModel.wrap(new PersistentChatModelTest().openAi(baseUrl()), genvault);
    SoftAssertions softly = new SoftAssertions();
    int v = 0;
    for (String broken : variants(List.of(PersistentChatModelTest.COMPLETION))) {
      server.enqueue(json(200, broken));
      int n = v++;
      try {
        model.call(new Prompt("A haiku " + n));
      } catch (RuntimeException thrown) {
        // Spring AI's own exception, as the app would get it; the record is checked below
      }
      checkRecord(softly, n, "whole variant " + n + ": " + broken);
    }
    softly.assertThat(v).as("variants run").isGreaterThan(50);
    softly.assertAll();
  }

  @Test
  void every_broken_stream_ends_in_a_terminal_record() throws Exception {
    ChatModel model =
        PersistentChatModel.wrap(new PersistentChatModelTest().openAi(baseUrl()), genvault);
    List<String> events = new ArrayList<>();
    for (String line : PersistentChatModelTest.STREAM.split("\n")) {
      if (line.startsWith("data: {")) {
        events.add(line.substring("data: ".length()));
      }
    }
    SoftAssertions softly = new SoftAssertions();
    int v = 0;
    for (int e = 0; e < events.size(); e++) {
      for (String broken : variants(List.of(events.get(e)))) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
          body.append(chunk(i == e ? broken : events.get(i)));
        }
        server.enqueue(sse(body.append("data: [DONE]\n\n").toString()));
        int n = v++;
        try {
          model.stream(new Prompt("A haiku " + n)).collectList().block(Duration.ofSeconds(10));
        } catch (RuntimeException thrown) {
          // the stream's error, as the app would get it; the record is checked below
        }
        checkRecord(softly, n, "stream variant " + n + ", event " + e + ": " + broken);
      }
    }
    softly.assertThat(v).as("variants run").isGreaterThan(50);
    softly.assertAll();
  }

  /** The {@code n}th variant's record is stored and ends terminal. */
  private void checkRecord(SoftAssertions softly, int n, String which) {
    Awaitility.await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .atMost(Duration.ofSeconds(10))
        .until(() -> newest().map(g -> isVariant(g, n) && g.isTerminal()).orElse(false));
    Generation row = newest().orElseThrow();
    if (row.status() != GenerationStatus.COMPLETE) {
      softly.assertThat(row.status()).as(which).isEqualTo(GenerationStatus.ERROR);
      softly.assertThat(row.errorMessage()).as(which).isNotBlank();
    }
  }

  private java.util.Optional<Generation> newest() {
    return store.list(GenerationQuery.builder().limit(1).build()).items().stream().findFirst();
  }

  private static boolean isVariant(Generation g, int n) {
    List<dev.genvault.Message> messages = g.request().conversation();
    return messages.get(messages.size() - 1).content().equals("A haiku " + n);
  }

  /** Each event with each member and element changed in each way. */
  static List<String> variants(List<String> intact) throws Exception {
    List<String> out = new ArrayList<>();
    for (String event : intact) {
      List<String> paths = new ArrayList<>();
      paths(JSON.readTree(event), "", paths);
      for (String path : paths) {
        for (Change change : Change.values()) {
          JsonNode tree = JSON.readTree(event);
          apply(tree, path, change);
          out.add(JSON.writeValueAsString(tree));
        }
      }
    }
    return out;
  }

  private static void paths(JsonNode node, String prefix, List<String> out) {
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

  private static void apply(JsonNode root, String path, Change change) {
    int cut = path.lastIndexOf('/');
    JsonNode parent = root.at(path.substring(0, cut));
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
