package dev.genvault.openaijava;

import static dev.genvault.openaijava.OpenAiJava.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseErrorEvent;
import com.openai.models.responses.ResponseStreamEvent;
import dev.genvault.ErrorType;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.ModelCall;
import dev.genvault.ModelResult;
import dev.genvault.ProviderException;
import dev.genvault.cost.ProviderUsage;
import java.util.Iterator;
import java.util.Map;

/**
 * The Responses API through openai-java: the SDK's request for a Genvault request (refusing what
 * the API does not take), the stream read into the call, and the final response as a result.
 */
final class ResponsesParams {
  private ResponsesParams() {}

  /**
   * The SDK's request, built as the JSON body OpenAI documents and checked by the SDK.
   *
   * @throws IllegalArgumentException for a field the Responses API does not take, or a value the
   *     SDK refuses, saying what to change
   */
  static ResponseCreateParams of(GenerationRequest r) {
    refuseUnsupported(r);
    ObjectNode body = JSON.createObjectNode();
    body.put("model", r.model());
    if (r.system() != null) {
      body.put("instructions", r.system());
    }
    if (r.prompt() != null) {
      body.put("input", r.prompt());
    } else {
      ArrayNode input = body.putArray("input");
      for (Message m : r.messages()) {
        input.addObject().put("type", "message").put("role", m.role()).put("content", m.content());
      }
    }
    if (r.temperature() != null) {
      body.put("temperature", r.temperature());
    }
    if (r.topP() != null) {
      body.put("top_p", r.topP());
    }
    if (r.maxOutputTokens() != null) {
      body.put("max_output_tokens", r.maxOutputTokens());
    }
    if (r.responseFormat() != null) {
      body.putObject("text").set("format", textFormat(r.responseFormat()));
    }
    if (r.tools() != null) {
      body.set("tools", OpenAiJava.jsonOrText(r.tools()));
    }
    if (r.toolChoice() != null) {
      body.set("tool_choice", OpenAiJava.jsonOrText(r.toolChoice()));
    }
    OpenAiJava.parameters(body, r.parameters());
    try {
      ResponseCreateParams.Body parsed = JSON.treeToValue(body, ResponseCreateParams.Body.class);
      parsed.validate(); // a value of the wrong type is kept raw by the mapper, refused here
      return ResponseCreateParams.builder().body(parsed).build();
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException(
          "openai-java cannot send this request to the Responses API: " + e.getMessage(), e);
    }
  }

  private static void refuseUnsupported(GenerationRequest r) {
    String unsupported =
        r.seed() != null ? "seed" : !r.stop().isEmpty() ? "stop" : r.n() != null ? "n" : null;
    if (unsupported != null) {
      throw new IllegalArgumentException(
          "the Responses API takes no "
              + unsupported
              + ": remove it, or use Api.CHAT_COMPLETIONS, which takes it");
    }
    if (r.imageSize() != null || r.imageQuality() != null) {
      throw new IllegalArgumentException(
          "image size and quality are for image generations, not the Responses API");
    }
    if (r.maxOutputTokens() != null && r.maxOutputTokens() < 16) {
      throw new IllegalArgumentException(
          "the Responses API needs maxOutputTokens of at least 16, not " + r.maxOutputTokens());
    }
    String background = r.parameters().get("background");
    if (background != null && background.strip().equals("true")) {
      throw new IllegalArgumentException(
          "background responses are not supported here: the adapter does not poll for a result;"
              + " remove the background parameter");
    }
  }

  /**
   * A chat {@code response_format} as the Responses API's {@code text.format}: the same, except
   * that a JSON schema's {@code name}, {@code schema} and {@code strict} sit beside its {@code
   * type} instead of inside {@code json_schema}.
   */
  private static JsonNode textFormat(String responseFormat) {
    JsonNode format = OpenAiJava.jsonOrText(responseFormat);
    if (!(format instanceof ObjectNode object)) {
      throw new IllegalArgumentException("responseFormat must be a JSON object: " + responseFormat);
    }
    JsonNode schema = object.get("json_schema");
    if ("json_schema".equals(object.path("type").asText()) && schema != null) {
      if (!schema.isObject()) {
        throw new IllegalArgumentException("json_schema must be a JSON object");
      }
      object.remove("json_schema");
      schema.fields().forEachRemaining(e -> object.putIfAbsent(e.getKey(), e.getValue()));
    }
    return object;
  }

  /**
   * Reads the events: output text goes to the call as it arrives; the final response ({@code
   * response.completed}, {@code .incomplete} or {@code .failed}) is returned; an {@code error}
   * event fails the generation.
   */
  static Response read(ModelCall call, Iterator<ResponseStreamEvent> events) {
    Response last = null;
    boolean emitted = false;
    int count = 0;
    while (events.hasNext()) {
      ResponseStreamEvent event = events.next();
      count++;
      if (event.outputTextDelta().isPresent()) {
        String delta = event.outputTextDelta().get().delta();
        if (!delta.isEmpty()) {
          call.emit(delta);
          emitted = true;
        }
      } else if (event.completed().isPresent()) {
        last = event.completed().get().response();
      } else if (event.incomplete().isPresent()) {
        last = event.incomplete().get().response();
      } else if (event.failed().isPresent()) {
        last = event.failed().get().response();
      } else if (event.error().isPresent()) {
        ResponseErrorEvent error = event.error().get();
        throw new ProviderException(
            ErrorType.PROVIDER_ERROR,
            "in-band error"
                + error.code().map(c -> " (" + c + ")").orElse("")
                + ": "
                + error.message());
      }
    }
    if (last == null) {
      throw new ProviderException(
          ErrorType.STREAM_INCOMPLETE,
          "the stream ended without response.completed after " + count + " events",
          true,
          null);
    }
    if (!emitted) {
      String text = outputText(JSON.valueToTree(last));
      if (!text.isEmpty()) {
        call.emit(text); // a server that sent only the final response
      }
    }
    return last;
  }

  /** The final response as a result; its status decides whether the generation failed. */
  static ModelResult result(JsonNode response) {
    String status = text(response, "status");
    String finishReason =
        switch (status == null ? "completed" : status) {
          case "completed" -> "completed";
          case "incomplete" -> {
            String reason = text(response.path("incomplete_details"), "reason");
            yield reason != null ? reason : "incomplete";
          }
          case "failed" -> {
            String message = text(response.path("error"), "message");
            throw new ProviderException(
                ErrorType.PROVIDER_ERROR,
                "the response failed" + (message == null ? "" : ": " + message));
          }
          case "cancelled" ->
              throw new ProviderException(
                  ErrorType.CANCELLED, "the provider cancelled the response");
          case "queued", "in_progress" ->
              throw new ProviderException(
                  ErrorType.PROVIDER_ERROR,
                  "the response is still " + status + ": the adapter does not poll for it");
          default ->
              throw new ProviderException(
                  ErrorType.INVALID_RESPONSE, "unknown response status \"" + status + "\"");
        };
    ModelResult.Builder result =
        ModelResult.builder()
            .finishReason(finishReason)
            .providerModel(text(response, "model"))
            .providerResponseId(text(response, "id"));
    JsonNode usage = response.get("usage");
    if (usage != null && usage.isObject()) {
      Map<String, Long> numbers = OpenAiJava.numbers(usage);
      result.usage(ProviderUsage.openAiResponses(numbers));
    }
    ArrayNode calls = JSON.createArrayNode();
    for (JsonNode item : response.path("output")) {
      if ("function_call".equals(text(item, "type"))) {
        ObjectNode call = calls.addObject();
        call.put("id", text(item, "call_id")).put("type", "function");
        call.putObject("function")
            .put("name", text(item, "name"))
            .put("arguments", text(item, "arguments"));
      }
    }
    if (!calls.isEmpty()) {
      result.toolCalls(OpenAiJava.json(calls));
    }
    StringBuilder refusal = new StringBuilder();
    for (JsonNode item : response.path("output")) {
      for (JsonNode part : item.path("content")) {
        if ("refusal".equals(text(part, "type")) && part.path("refusal").isTextual()) {
          refusal.append(part.get("refusal").asText());
        }
      }
    }
    if (refusal.length() > 0) {
      result.attribute("refusal", refusal.toString());
    }
    return result.build();
  }

  /** The text of a response's output messages. */
  private static String outputText(JsonNode response) {
    StringBuilder text = new StringBuilder();
    for (JsonNode item : response.path("output")) {
      for (JsonNode part : item.path("content")) {
        if ("output_text".equals(text(part, "type")) && part.path("text").isTextual()) {
          text.append(part.get("text").asText());
        }
      }
    }
    return text.toString();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() ? null : value.asText();
  }
}
