package dev.genvault.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Mechanically broken JSON answers: every member and element of an intact answer, at any depth,
 * removed or replaced by a value of another kind. What a provider's answer may look like when it
 * leaves out an optional field, sends null, or changes a type.
 */
public final class JsonVariants {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonVariants() {}

  /** How a value is broken. */
  public enum Change {
    /** Left out. */
    REMOVED(v -> null),
    /** {@code null}. */
    NULL(v -> NODES.nullNode()),
    /** A string no one expects. */
    UNKNOWN(v -> NODES.textNode("zz_unknown_value")),
    /** The empty string. */
    EMPTY(v -> NODES.textNode("")),
    /** An empty object. */
    OBJECT(v -> NODES.objectNode()),
    /** {@code -1}. */
    NEGATIVE(v -> NODES.numberNode(-1)),
    /** {@code 1e308}. */
    HUGE(v -> NODES.numberNode(1e308));

    private final Function<JsonNode, @Nullable JsonNode> to;

    Change(Function<JsonNode, @Nullable JsonNode> to) {
      this.to = to;
    }
  }

  /** One broken answer: which value was changed, how, and the answer as it is then. */
  public record Variant(String path, Change change, String json) {
    @Override
    public String toString() {
      return path + " " + change + ": " + json;
    }
  }

  /** {@code json} with each member and element at each path changed in each of {@code changes}. */
  public static List<Variant> of(String json, Set<Change> changes) {
    List<Variant> out = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    paths(read(json), "", paths);
    for (String path : paths) {
      for (Change change : changes) {
        JsonNode tree = read(json);
        apply(tree, path, change);
        try {
          out.add(new Variant(path, change, JSON.writeValueAsString(tree)));
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return out;
  }

  /** The JSON of each {@code data:} line of a server-sent event stream, but {@code [DONE]}. */
  public static List<String> events(String stream) {
    List<String> events = new ArrayList<>();
    for (String line : stream.split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
        events.add(line.substring("data: ".length()));
      }
    }
    return events;
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every member and element path of a tree, as {@code /a/0/b}. */
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

  /** Changes the value at {@code path} in place. */
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
