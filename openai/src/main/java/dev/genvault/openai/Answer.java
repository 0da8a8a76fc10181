package dev.genvault.openai;

import com.squareup.moshi.JsonReader;
import dev.genvault.ErrorType;
import dev.genvault.ModelCall;
import dev.genvault.ModelResult;
import dev.genvault.ProviderException;
import dev.genvault.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What an answer has said so far, whichever API it came from: filled in by a codec as it reads the
 * response (whole or streamed), then turned into the {@link ModelResult}. Not thread safe; one per
 * call.
 */
final class Answer {
  /** The largest count believed: 2^53, beyond which JSON numbers are not exact. */
  private static final double MAX_COUNT = 9_007_199_254_740_992d;

  @Nullable String id;
  @Nullable String model;
  @Nullable String finishReason;
  @Nullable Usage usage;
  @Nullable String wholeText;
  @Nullable ProviderException error;
  boolean done;

  /** The index of the choice kept: the first seen. */
  @Nullable String choice;

  /** A Responses API status, and why it is incomplete. */
  @Nullable String status;

  @Nullable String incompleteReason;

  int imagesStored;

  final ToolCalls toolCalls = new ToolCalls();

  final Map<String, String> attributes = new TreeMap<>();

  /** What the model said instead of answering (structured outputs), pieced together. */
  final StringBuilder refusal = new StringBuilder();

  /** Whether refusal deltas came (Responses): the final response's refusal then repeats them. */
  boolean refusalStreamed;

  /** Keeps an attribute unless its value is null. */
  void attribute(String name, @Nullable String value) {
    if (value != null) {
      attributes.put(name, value);
    }
  }

  /** Records the first failure only. */
  void fail(@Nullable ProviderException e) {
    if (error == null) {
      error = e;
    }
  }

  /** The result of a whole (not streamed) response; a failure keeps the text it came with. */
  ModelResult wholeResult(ModelCall call) {
    if (error != null) {
      if (wholeText != null) {
        call.emit(wholeText);
      }
      throw error;
    }
    return result();
  }

  ModelResult result() {
    ModelResult.Builder b =
        ModelResult.builder()
            .text(wholeText)
            .finishReason(finishReason)
            .usage(usage)
            .providerModel(model)
            .providerResponseId(id)
            .toolCalls(toolCalls.toJson());
    attributes.forEach(b::attribute);
    if (refusal.length() > 0) {
      b.attribute("refusal", refusal.toString());
    }
    return b.build();
  }

  /** Reads a usage report with the provider's counting; an impossible count is a failure. */
  void usage(JsonReader r, Function<Map<String, Long>, Usage> counting) throws IOException {
    if (Json.skipUnless(r, JsonReader.Token.BEGIN_OBJECT)) {
      return;
    }
    Map<String, Long> report = new LinkedHashMap<>();
    List<String> impossible = new ArrayList<>();
    flatten(r, "", report, impossible);
    if (!impossible.isEmpty()) {
      fail(
          new ProviderException(
              ErrorType.INVALID_RESPONSE,
              "the usage report has an impossible token count: " + String.join(", ", impossible)));
      return;
    }
    try {
      usage = counting.apply(report);
    } catch (IllegalArgumentException e) {
      fail(
          new ProviderException(
              ErrorType.INVALID_RESPONSE, "the usage report is impossible: " + e.getMessage()));
    }
  }

  /**
   * A usage object flattened to dotted paths of its whole numbers; a negative or absurd whole
   * number is listed as impossible. Other values (text, fractions such as a cost) are skipped.
   */
  private static void flatten(
      JsonReader r, String prefix, Map<String, Long> out, List<String> impossible)
      throws IOException {
    r.beginObject();
    while (r.hasNext()) {
      String name = prefix + r.nextName();
      switch (r.peek()) {
        case NUMBER -> {
          double v = r.nextDouble();
          if (v != Math.rint(v)) {
            break;
          }
          if (v < 0 || v > MAX_COUNT) {
            impossible.add(name + " = " + v);
          } else {
            out.put(name, (long) v);
          }
        }
        case BEGIN_OBJECT -> flatten(r, name + ".", out, impossible);
        default -> r.skipValue();
      }
    }
    r.endObject();
  }
}
