package dev.genvault.openai;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import dev.genvault.ErrorType;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelCall;
import dev.genvault.ModelResult;
import dev.genvault.ProviderException;
import dev.genvault.RequestField;
import dev.genvault.cost.ProviderUsage;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import okio.Buffer;
import okio.BufferedSource;

/**
 * The Responses API ({@code POST /responses}): the request body (refusing what the API does not
 * take), and the answer read whole or as a stream of events. A final response's status decides the
 * outcome: {@code incomplete} keeps its text, {@code failed} and {@code cancelled} fail, and a
 * {@code queued} or {@code in_progress} one is an error, as this client does not poll.
 */
final class ResponsesCodec {
  static final String PATH = "/responses";

  private ResponsesCodec() {}

  /**
   * The request body: every field of the request that this API takes.
   *
   * @throws IllegalArgumentException for a field this API does not take, saying what to change
   */
  static String body(GenerationRequest r, boolean streaming) {
    check(r);
    return Json.write(
        w -> {
          w.beginObject();
          w.name("model").value(r.model());
          if (r.system() != null) {
            w.name("instructions").value(r.system());
          }
          if (r.prompt() != null) {
            w.name("input").value(r.prompt());
          } else {
            w.name("input");
            ChatCodec.messages(w, r.messages());
          }
          if (streaming) {
            w.name("stream").value(true);
          }
          if (r.maxOutputTokens() != null) {
            w.name("max_output_tokens").value(r.maxOutputTokens());
          }
          if (r.responseFormat() != null) {
            w.name("text").beginObject().name("format");
            textFormat(w, r.responseFormat());
            w.endObject();
          }
          ChatCodec.common(w, r);
          w.endObject();
        });
  }

  /**
   * Refuses what the Responses API does not take, and caller-given JSON that does not parse or
   * cannot become its {@code text.format}, before anything is stored or written. Cheap: the
   * conversation is not written.
   */
  static void check(GenerationRequest r) {
    refuseUnsupported(r);
    String format = r.responseFormat();
    if (format != null) {
      Json.check(format);
      Json.write(w -> textFormat(w, format)); // small; refuses what text.format cannot hold
    }
    ChatCodec.checkCommon(r);
  }

  /** What the Responses API does not take. */
  private static void refuseUnsupported(GenerationRequest r) {
    try {
      Unsent.refuse(r, "Responses API", RequestField.SEED, RequestField.STOP, RequestField.N);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage() + ", or use Api.CHAT_COMPLETIONS, which takes it");
    }
    Unsent.refuse(r, "Responses API", RequestField.IMAGE_SIZE, RequestField.IMAGE_QUALITY);
    if (r.maxOutputTokens() != null && r.maxOutputTokens() < 16) {
      throw new IllegalArgumentException(
          "the Responses API needs maxOutputTokens of at least 16, not " + r.maxOutputTokens());
    }
    String background = r.parameters().get("background");
    if (background != null && background.strip().equals("true")) {
      throw new IllegalArgumentException(
          "background responses are not supported with the Responses API here: this client"
              + " does not poll for a result; remove the background parameter");
    }
  }

  /**
   * A chat {@code response_format} as the Responses API's {@code text.format}: the same, except
   * that a JSON schema's {@code name}, {@code schema} and {@code strict} sit beside its {@code
   * type} instead of inside {@code json_schema}.
   */
  private static void textFormat(JsonWriter w, String responseFormat) throws IOException {
    Map<String, String> members = new LinkedHashMap<>();
    try {
      members(responseFormat, members, false);
    } catch (JsonEncodingException | JsonDataException e) {
      throw new IllegalArgumentException("responseFormat is not valid JSON: " + responseFormat, e);
    }
    String schema = members.get("json_schema");
    if ("\"json_schema\"".equals(members.get("type")) && schema != null) {
      members.remove("json_schema");
      try {
        members(schema, members, true);
      } catch (JsonDataException e) {
        throw new IllegalArgumentException("json_schema must be a JSON object", e);
      }
    }
    w.beginObject();
    for (Map.Entry<String, String> m : members.entrySet()) {
      w.name(m.getKey());
      Json.rawValue(w, m.getValue());
    }
    w.endObject();
  }

  /** The members of a JSON object, each value as JSON text; existing ones kept if told so. */
  private static void members(String object, Map<String, String> into, boolean keepExisting)
      throws IOException {
    try (JsonReader r = JsonReader.of(new Buffer().writeUtf8(object))) {
      if (!keepExisting && r.peek() != JsonReader.Token.BEGIN_OBJECT) {
        throw new IllegalArgumentException("responseFormat must be a JSON object");
      }
      r.beginObject();
      while (r.hasNext()) {
        String name = r.nextName();
        try (BufferedSource value = r.nextSource()) {
          if (keepExisting) {
            into.putIfAbsent(name, value.readUtf8());
          } else {
            into.put(name, value.readUtf8());
          }
        }
      }
      r.endObject();
    }
  }

  /** A whole (not streamed) answer. */
  static ModelResult whole(ModelCall call, BufferedSource body) throws IOException {
    Answer answer = new Answer();
    Json.read(
        body,
        "the response",
        reader -> {
          response(reader, answer);
          settle(answer);
        });
    return answer.wholeResult(call);
  }

  /** A streamed answer: its text goes to the call as it arrives. */
  static ModelResult stream(ModelCall call, EventStream events) throws IOException {
    Answer answer = new Answer();
    int count = events.read(answer, reader -> event(reader, answer, call));
    if (!answer.done) {
      throw new ProviderException(
          ErrorType.STREAM_INCOMPLETE,
          "the stream ended without response.completed after " + count + " events");
    }
    return answer.result();
  }

  private static void event(JsonReader r, Answer s, ModelCall call) throws IOException {
    String type = null;
    String delta = null;
    String message = null;
    String code = null;
    s.status = null; // each event's own response says how it stands
    s.incompleteReason = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "type" -> type = Json.string(r);
        case "delta" -> delta = Json.skipUnless(r, JsonReader.Token.STRING) ? null : r.nextString();
        case "response" -> response(r, s);
        case "error" -> s.fail(ErrorMapper.inBand(r));
        case "message" -> message = Json.string(r);
        case "code" -> code = Json.string(r);
        default -> r.skipValue();
      }
    }
    r.endObject();
    if (type == null) {
      return;
    }
    switch (type) {
      case "response.output_text.delta" -> {
        if (delta != null) {
          call.emit(delta);
        }
      }
      case "response.refusal.delta" -> {
        if (delta != null) {
          s.refusal.append(delta);
          s.refusalStreamed = true;
        }
      }
      case "response.completed", "response.incomplete", "response.failed" -> {
        s.done = true;
        if (type.equals("response.failed")) {
          s.fail(new ProviderException(ErrorType.PROVIDER_ERROR, "the response failed"));
        }
        settle(s);
      }
      case "error" -> s.fail(ErrorMapper.errorEvent(code, message));
      default -> {
        // created, in_progress, queued, and the events that only repeat what deltas said
      }
    }
  }

  /** A response object, into the answer; {@link #settle} judges its status. */
  private static void response(JsonReader r, Answer s) throws IOException {
    StringBuilder text = new StringBuilder();
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "id" -> s.id = Json.string(r);
        case "model" -> s.model = Json.string(r);
        case "status" -> s.status = Json.string(r);
        case "usage" -> s.usage(r, ProviderUsage::openAiResponses);
        case "error" -> s.fail(ErrorMapper.inBand(r));
        case "incomplete_details" -> {
          if (Json.skipUnless(r, JsonReader.Token.BEGIN_OBJECT)) {
            break;
          }
          r.beginObject();
          while (r.hasNext()) {
            if (r.nextName().equals("reason")) {
              s.incompleteReason = Json.string(r);
            } else {
              r.skipValue();
            }
          }
          r.endObject();
        }
        case "output" -> {
          if (Json.skipUnless(r, JsonReader.Token.BEGIN_ARRAY)) {
            break;
          }
          r.beginArray();
          while (r.hasNext()) {
            outputItem(r, text, s);
          }
          r.endArray();
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    if (text.length() > 0) {
      s.wholeText = text.toString(); // in a stream, used only if no delta came
    }
  }

  /** What a final response's status means for the generation. */
  private static void settle(Answer s) {
    String status = s.status == null ? "completed" : s.status;
    switch (status) {
      case "completed" -> s.finishReason = status;
      case "incomplete" ->
          s.finishReason = s.incompleteReason != null ? s.incompleteReason : "incomplete";
      case "failed" ->
          s.fail(new ProviderException(ErrorType.PROVIDER_ERROR, "the response failed"));
      case "cancelled" ->
          s.fail(new ProviderException(ErrorType.CANCELLED, "the provider cancelled the response"));
      case "queued", "in_progress" ->
          s.fail(
              new ProviderException(
                  ErrorType.PROVIDER_ERROR,
                  "the response is still "
                      + status
                      + " (a background response?): this client does not poll for it"));
      default ->
          s.fail(
              new ProviderException(
                  ErrorType.INVALID_RESPONSE, "unknown response status \"" + status + "\""));
    }
  }

  /** One item of a response's output: message text, or a function call kept as a tool call. */
  private static void outputItem(JsonReader r, StringBuilder text, Answer s) throws IOException {
    String itemType = null;
    String callId = null;
    String name = null;
    String arguments = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "type" -> itemType = Json.string(r);
        case "call_id" -> callId = Json.string(r);
        case "name" -> name = Json.string(r);
        case "arguments" -> arguments = Json.string(r);
        case "content" -> {
          if (Json.skipUnless(r, JsonReader.Token.BEGIN_ARRAY)) {
            break;
          }
          r.beginArray();
          while (r.hasNext()) {
            String type = null;
            String value = null;
            String refused = null;
            r.beginObject();
            while (r.hasNext()) {
              switch (r.nextName()) {
                case "type" -> type = Json.string(r);
                case "text" -> value = Json.string(r);
                case "refusal" ->
                    refused = Json.skipUnless(r, JsonReader.Token.STRING) ? null : r.nextString();
                default -> r.skipValue();
              }
            }
            r.endObject();
            if ("output_text".equals(type) && value != null) {
              text.append(value);
            }
            if ("refusal".equals(type) && refused != null && !s.refusalStreamed) {
              s.refusal.append(refused); // in a stream, only if no refusal delta came
            }
          }
          r.endArray();
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    if ("function_call".equals(itemType)) {
      String key = "r" + s.toolCalls.size();
      s.toolCalls.add(new ToolCalls.Part(key, callId, "function", name, arguments));
    }
  }
}
