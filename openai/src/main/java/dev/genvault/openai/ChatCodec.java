package dev.genvault.openai;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import dev.genvault.ErrorType;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.ModelCall;
import dev.genvault.ModelResult;
import dev.genvault.ProviderException;
import dev.genvault.RequestField;
import dev.genvault.cost.ProviderUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okio.BufferedSource;

/**
 * The chat completions API ({@code POST /chat/completions}): the request body, and the answer read
 * whole or as a stream of chunks. Only the first choice seen is kept, whatever its index.
 */
final class ChatCodec {
  static final String PATH = "/chat/completions";

  private ChatCodec() {}

  /**
   * Refuses what this API cannot send, before anything is stored or written: image options, and
   * caller-given JSON that does not parse. Cheap: the conversation is not written.
   */
  static void check(GenerationRequest r) {
    Unsent.refuse(r, "chat completions API", RequestField.IMAGE_SIZE, RequestField.IMAGE_QUALITY);
    Json.check(r.responseFormat());
    checkCommon(r);
  }

  /** The caller-given JSON that both text APIs send alike: tools, tool choice, parameters. */
  static void checkCommon(GenerationRequest r) {
    Json.check(r.tools());
    String choice = r.toolChoice() == null ? null : r.toolChoice().strip();
    if (choice != null && choice.startsWith("{")) {
      Json.check(choice);
    }
    r.parameters().values().forEach(Json::check);
  }

  /** The request body: every field of the request that this API takes ({@link #check}ed first). */
  static String body(GenerationRequest r, boolean streaming) {
    check(r);
    return Json.write(
        w -> {
          w.beginObject();
          w.name("model").value(r.model());
          w.name("messages");
          messages(w, r.conversation());
          if (streaming) {
            w.name("stream").value(true);
            w.name("stream_options").beginObject().name("include_usage").value(true).endObject();
          }
          if (r.maxOutputTokens() != null) {
            w.name("max_completion_tokens").value(r.maxOutputTokens());
          }
          if (r.seed() != null) {
            w.name("seed").value(r.seed());
          }
          if (r.n() != null) {
            w.name("n").value(r.n());
          }
          if (!r.stop().isEmpty()) {
            w.name("stop").beginArray();
            for (String s : r.stop()) {
              w.value(s);
            }
            w.endArray();
          }
          Json.raw(w, "response_format", r.responseFormat());
          common(w, r);
          w.endObject();
        });
  }

  /** Messages as {@code [{"role", "content"}]}. */
  static void messages(JsonWriter w, List<Message> messages) throws IOException {
    w.beginArray();
    for (Message m : messages) {
      w.beginObject().name("role").value(m.role()).name("content").value(m.content()).endObject();
    }
    w.endArray();
  }

  /** The parameters both text APIs take alike, then the request's own extra parameters. */
  static void common(JsonWriter w, GenerationRequest r) throws IOException {
    if (r.temperature() != null) {
      w.name("temperature").value(r.temperature());
    }
    if (r.topP() != null) {
      w.name("top_p").value(r.topP());
    }
    Json.raw(w, "tools", r.tools());
    if (r.toolChoice() != null) {
      String choice = r.toolChoice().strip();
      w.name("tool_choice");
      if (choice.startsWith("{")) {
        Json.rawValue(w, choice);
      } else {
        w.value(choice);
      }
    }
    parameters(w, r.parameters());
  }

  /** The request's extra parameters, each a JSON value given as text. */
  static void parameters(JsonWriter w, Map<String, String> parameters) throws IOException {
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      w.name(p.getKey());
      Json.rawValue(w, p.getValue());
    }
  }

  /** A whole (not streamed) answer. */
  static ModelResult whole(ModelCall call, BufferedSource body) throws IOException {
    Answer answer = new Answer();
    Json.read(body, "the response", reader -> parse(reader, answer, call, false));
    if (answer.error == null && answer.choice == null) {
      answer.error =
          new ProviderException(ErrorType.INVALID_RESPONSE, "the response has no choice");
    }
    return answer.wholeResult(call);
  }

  /** A streamed answer: its text goes to the call as it arrives. */
  static ModelResult stream(ModelCall call, EventStream events) throws IOException {
    Answer answer = new Answer();
    int count = events.read(answer, reader -> parse(reader, answer, call, true));
    if (!answer.done && answer.finishReason == null) {
      throw new ProviderException(
          ErrorType.STREAM_INCOMPLETE,
          "the stream ended without [DONE] or a finish reason after " + count + " events");
    }
    return answer.result();
  }

  /** One chat completion object (whole response, or one streamed chunk). */
  private static void parse(JsonReader r, Answer s, ModelCall call, boolean chunk)
      throws IOException {
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "id" -> s.id = Json.string(r);
        case "model" -> s.model = Json.string(r);
        case "system_fingerprint" -> s.attribute("system_fingerprint", Json.string(r));
        case "service_tier" -> s.attribute("service_tier", Json.string(r));
        case "usage" -> s.usage(r, ProviderUsage::openAiChat);
        case "error" -> s.fail(ErrorMapper.inBand(r));
        case "choices" -> {
          if (Json.skipNull(r)) {
            break;
          }
          r.beginArray();
          while (r.hasNext()) {
            choice(r, s, call, chunk);
          }
          r.endArray();
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
  }

  private static void choice(JsonReader r, Answer s, ModelCall call, boolean chunk)
      throws IOException {
    String index = "";
    String content = null;
    String refusal = null;
    String finish = null;
    List<ToolCalls.Part> calls = new ArrayList<>();
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "index" -> index = String.valueOf(Json.string(r));
        case "finish_reason" -> finish = Json.string(r);
        case "delta", "message" -> {
          if (Json.skipNull(r)) {
            break;
          }
          r.beginObject();
          while (r.hasNext()) {
            switch (r.nextName()) {
              case "content" -> content = Json.string(r);
              case "refusal" ->
                  refusal = Json.skipUnless(r, JsonReader.Token.STRING) ? null : r.nextString();
              case "tool_calls" -> toolCalls(r, calls);
              default -> r.skipValue();
            }
          }
          r.endObject();
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    if (s.choice == null) {
      s.choice = index; // Genvault records the first choice, whatever its index
    } else if (!s.choice.equals(index)) {
      return;
    }
    calls.forEach(s.toolCalls::add);
    if (refusal != null) {
      s.refusal.append(refusal); // a delta's piece, or a whole message's
    }
    if (content != null) {
      if (chunk) {
        call.emit(content);
      } else {
        s.wholeText = content;
      }
    }
    if (finish != null) {
      s.finishReason = finish;
    }
  }

  /** Tool calls or fragments of them. */
  private static void toolCalls(JsonReader r, List<ToolCalls.Part> out) throws IOException {
    if (Json.skipNull(r)) {
      return;
    }
    r.beginArray();
    while (r.hasNext()) {
      String index = String.valueOf(out.size());
      String id = null;
      String type = null;
      String name = null;
      String arguments = null;
      r.beginObject();
      while (r.hasNext()) {
        switch (r.nextName()) {
          case "index" -> index = String.valueOf(Json.string(r));
          case "id" -> id = Json.string(r);
          case "type" -> type = Json.string(r);
          case "function" -> {
            if (Json.skipUnless(r, JsonReader.Token.BEGIN_OBJECT)) {
              break;
            }
            r.beginObject();
            while (r.hasNext()) {
              switch (r.nextName()) {
                case "name" -> name = Json.string(r);
                case "arguments" -> arguments = Json.string(r);
                default -> r.skipValue();
              }
            }
            r.endObject();
          }
          default -> r.skipValue();
        }
      }
      r.endObject();
      out.add(new ToolCalls.Part(index, id, type, name, arguments));
    }
    r.endArray();
  }
}
