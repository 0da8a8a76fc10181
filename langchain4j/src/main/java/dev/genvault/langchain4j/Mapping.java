package dev.genvault.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genvault.Attribution;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.ModelResult;
import dev.genvault.Usage;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * LangChain4j's requests and responses to Genvault's records and back.
 *
 * <p>A message that is more than text is stored as the JSON of its parts, in the shapes of OpenAI's
 * chat format, so that the record keeps it whole and two requests that differ only there never
 * share a dedup key: an AI message with tool calls ({@code {"content":..,"tool_calls":[..]}}), a
 * tool result ({@code {"tool_call_id":..,"name":..,"content":..}}), a user message with a name or
 * with images or audio ({@code {"name":..,"content":[parts]}}), and a custom message (its
 * attributes).
 */
final class Mapping {
  /** Sorted keys: the same request always writes the same JSON, so dedup keys are stable. */
  static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private Mapping() {}

  /**
   * The request as Genvault records it. The model is the request's, else the wrapped model's
   * default, else {@code fallbackModel}.
   *
   * @throws IllegalArgumentException if no model name is known, or a message cannot be recorded
   */
  static GenerationRequest request(
      ChatRequest request,
      ChatRequestParameters defaults,
      @Nullable String fallbackModel,
      Attribution attribution) {
    ChatRequestParameters p =
        defaults == null ? request.parameters() : defaults.overrideWith(request.parameters());
    String model = p.modelName() != null ? p.modelName() : fallbackModel;
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(
          "the request names no model, and neither does the wrapped model's"
              + " defaultRequestParameters(): set one with PersistentChatModel.builder().modelName(..)");
    }
    List<Message> messages = new ArrayList<>(request.messages().size());
    for (ChatMessage m : request.messages()) {
      messages.add(message(m));
    }
    GenerationRequest.Builder b =
        GenerationRequest.builder()
            .model(model)
            .messages(messages)
            .temperature(p.temperature())
            .topP(p.topP())
            .maxOutputTokens(p.maxOutputTokens())
            .attribution(attribution);
    if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
      b.stop(p.stopSequences());
    }
    if (p.topK() != null) {
      b.parameter("top_k", p.topK().toString());
    }
    if (p.frequencyPenalty() != null) {
      b.parameter("frequency_penalty", p.frequencyPenalty().toString());
    }
    if (p.presencePenalty() != null) {
      b.parameter("presence_penalty", p.presencePenalty().toString());
    }
    List<ToolSpecification> tools = p.toolSpecifications();
    if (tools != null && !tools.isEmpty()) {
      StringBuilder json = new StringBuilder("[");
      for (ToolSpecification t : tools) {
        json.append(json.length() > 1 ? "," : "").append(t.toJson());
      }
      b.tools(json.append(']').toString());
      if (p.toolChoice() != null) {
        b.toolChoice(p.toolChoice().name().toLowerCase(Locale.ROOT));
      }
    }
    b.responseFormat(responseFormat(p.responseFormat()));
    Map<String, String> extra = providerParameters(p);
    if (!extra.isEmpty()) {
      b.parameter(PROVIDER_PARAMETERS, json(extra));
    }
    return b.build();
  }

  /** The parameter under which a provider's own request parameters are recorded. */
  static final String PROVIDER_PARAMETERS = "langchain4j_parameters";

  /** The methods every {@code ChatRequestParameters} has, which are not a parameter's value. */
  private static final java.util.Set<String> NOT_PARAMETERS =
      java.util.Set.of(
          "toBuilder", "overrideWith", "defaultedBy", "equals", "hashCode", "toString", "getClass");

  /**
   * The parameters a provider's own parameters class adds to LangChain4j's common ones (OpenAI's
   * seed, reasoning effort, logit bias, custom parameters, ...), each as it prints: read from the
   * class's public accessors, so that a parameter this adapter does not know still keeps two
   * requests that differ in it from sharing a dedup key.
   */
  static Map<String, String> providerParameters(ChatRequestParameters p) {
    Map<String, String> values = new TreeMap<>();
    for (java.lang.reflect.Method method : ACCESSORS.get(p.getClass())) {
      try {
        Object value = method.invoke(p);
        if (value != null) {
          values.put(method.getName(), printed(value));
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        values.put(method.getName(), "unreadable: " + e);
      }
    }
    return values;
  }

  /**
   * The accessors of a parameters class beyond LangChain4j's common ones, found once per class
   * (every call of the model reads them).
   */
  private static final ClassValue<List<java.lang.reflect.Method>> ACCESSORS =
      new ClassValue<>() {
        @Override
        protected List<java.lang.reflect.Method> computeValue(Class<?> type) {
          List<java.lang.reflect.Method> accessors = new ArrayList<>();
          for (java.lang.reflect.Method method : type.getMethods()) {
            Class<?> declaring = method.getDeclaringClass();
            if (method.getParameterCount() == 0
                && !java.lang.reflect.Modifier.isStatic(method.getModifiers())
                && declaring != Object.class
                && declaring != DefaultChatRequestParameters.class
                && !declaring.isInterface()
                && !NOT_PARAMETERS.contains(method.getName())
                && method.getReturnType() != void.class) {
              accessors.add(method);
            }
          }
          return List.copyOf(accessors);
        }
      };

  /** A value as text, maps in key order (a hash map's order is not the same in every JVM). */
  private static String printed(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, String> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), v == null ? "null" : printed(v)));
      return sorted.toString();
    }
    return String.valueOf(value);
  }

  private static @Nullable String responseFormat(@Nullable ResponseFormat format) {
    if (format == null || format.type() != ResponseFormatType.JSON) {
      return null;
    }
    if (format.jsonSchema() == null) {
      return "{\"type\":\"json_object\"}";
    }
    Map<String, Object> schema = new TreeMap<>();
    schema.put("type", "json_schema");
    Map<String, Object> body = new TreeMap<>();
    body.put("name", format.jsonSchema().name());
    body.put("schema", JsonSchemaElementUtils.toMap(format.jsonSchema().rootElement()));
    schema.put("json_schema", body);
    return json(schema);
  }

  /** One message as recorded: plain text where it is only text, else the JSON of its parts. */
  static Message message(ChatMessage m) {
    if (m instanceof SystemMessage s) {
      return Message.system(s.text());
    }
    if (m instanceof UserMessage u) {
      if (u.name() == null && u.hasSingleText()) {
        return Message.user(u.singleText());
      }
      ObjectNode node = JSON.createObjectNode();
      if (u.name() != null) {
        node.put("name", u.name());
      }
      ArrayNode parts = node.putArray("content");
      for (Content c : u.contents()) {
        parts.add(part(c));
      }
      return new Message("user", json(node));
    }
    if (m instanceof AiMessage ai) {
      boolean more = ai.thinking() != null || !ai.attributes().isEmpty();
      if (!ai.hasToolExecutionRequests() && !more) {
        return Message.assistant(ai.text() == null ? "" : ai.text());
      }
      ObjectNode node = JSON.createObjectNode();
      node.put("content", ai.text());
      if (ai.hasToolExecutionRequests()) {
        node.set("tool_calls", toolCalls(ai.toolExecutionRequests()));
      }
      if (ai.thinking() != null) {
        node.put("thinking", ai.thinking());
      }
      if (!ai.attributes().isEmpty()) {
        node.set("attributes", JSON.valueToTree(printed(ai.attributes())));
      }
      return new Message("assistant", json(node));
    }
    if (m instanceof ToolExecutionResultMessage t) {
      ObjectNode node = JSON.createObjectNode();
      node.put("tool_call_id", t.id());
      node.put("name", t.toolName());
      node.put("content", t.text());
      if (Boolean.TRUE.equals(t.isError())) {
        node.put("is_error", true);
      }
      return new Message("tool", json(node));
    }
    if (m instanceof CustomMessage c) {
      return new Message("custom", json(new TreeMap<>(c.attributes())));
    }
    throw new IllegalArgumentException(
        "a " + m.getClass().getName() + " message cannot be recorded by Genvault");
  }

  private static JsonNode part(Content c) {
    ObjectNode part = JSON.createObjectNode();
    if (c instanceof TextContent t) {
      part.put("type", "text").put("text", t.text());
    } else if (c instanceof ImageContent i) {
      part.put("type", "image_url");
      ObjectNode image = part.putObject("image_url");
      image.put("url", url(i.image().url(), i.image().base64Data(), i.image().mimeType()));
      if (i.detailLevel() != null) {
        image.put("detail", i.detailLevel().name().toLowerCase(Locale.ROOT));
      }
    } else if (c instanceof AudioContent a) {
      part.put("type", "input_audio");
      part.putObject("input_audio")
          .put("url", url(a.audio().url(), a.audio().base64Data(), a.audio().mimeType()));
    } else {
      throw new IllegalArgumentException(
          "a " + c.getClass().getName() + " part cannot be recorded by Genvault");
    }
    return part;
  }

  private static String url(java.net.@Nullable URI url, @Nullable String base64, String mimeType) {
    if (url != null) {
      return url.toString();
    }
    return "data:"
        + (mimeType == null ? "application/octet-stream" : mimeType)
        + ";base64,"
        + base64;
  }

  /** Tool calls in OpenAI's shape, as Genvault's own client stores them. */
  private static ArrayNode toolCalls(List<ToolExecutionRequest> requests) {
    ArrayNode calls = JSON.createArrayNode();
    for (ToolExecutionRequest r : requests) {
      ObjectNode call = calls.addObject();
      call.put("id", r.id());
      call.put("type", "function");
      call.putObject("function").put("name", r.name()).put("arguments", r.arguments());
    }
    return calls;
  }

  /** What the wrapped model answered, as the generation's result. */
  static ModelResult result(ChatResponse response) {
    AiMessage ai = response.aiMessage();
    ModelResult.Builder b =
        ModelResult.builder()
            .text(ai.text())
            .finishReason(finishReason(response.finishReason()))
            .usage(usage(response.tokenUsage()))
            .providerModel(response.modelName())
            .providerResponseId(response.id());
    if (ai.hasToolExecutionRequests()) {
      b.toolCalls(json(toolCalls(ai.toolExecutionRequests())));
    }
    return b.build();
  }

  private static @Nullable Usage usage(@Nullable TokenUsage usage) {
    if (usage == null || (usage.inputTokenCount() == null && usage.outputTokenCount() == null)) {
      return null; // unknown, never $0
    }
    return Usage.of(
        usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
        usage.outputTokenCount() == null ? 0 : usage.outputTokenCount());
  }

  private static @Nullable String finishReason(@Nullable FinishReason reason) {
    if (reason == null) {
      return null;
    }
    return switch (reason) {
      case STOP -> "stop";
      case LENGTH -> "length";
      case TOOL_EXECUTION -> "tool_calls";
      case CONTENT_FILTER -> "content_filter";
      default -> reason.name().toLowerCase(Locale.ROOT);
    };
  }

  private static @Nullable FinishReason finishReason(@Nullable String reason) {
    if (reason == null) {
      return null;
    }
    return switch (reason) {
      case "stop" -> FinishReason.STOP;
      case "length" -> FinishReason.LENGTH;
      case "tool_calls", "tool_execution" -> FinishReason.TOOL_EXECUTION;
      case "content_filter" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.OTHER;
    };
  }

  /**
   * The stored record as LangChain4j's response: its text and tool calls, and metadata that names
   * the generation.
   */
  static ChatResponse response(Generation g, String url, @Nullable ChatResponse answered) {
    ChatResponseMetadata providerMetadata = answered == null ? null : answered.metadata();
    AiMessage ai;
    if (answered != null) {
      ai = answered.aiMessage(); // the model's own: its thinking, attributes and images kept
    } else {
      List<ToolExecutionRequest> calls = toolRequests(g.toolCalls());
      String text = g.text().isEmpty() && !calls.isEmpty() ? null : g.text();
      ai =
          calls.isEmpty()
              ? AiMessage.from(text)
              : AiMessage.builder().text(text).toolExecutionRequests(calls).build();
    }
    Usage u = g.usage();
    GenvaultChatResponseMetadata metadata =
        GenvaultChatResponseMetadata.builder()
            .id(g.providerResponseId())
            .modelName(g.providerModel() != null ? g.providerModel() : g.model())
            .tokenUsage(
                u == null ? null : new TokenUsage(count(u.inputTokens()), count(u.outputTokens())))
            .finishReason(finishReason(g.finishReason()))
            .generationId(g.id())
            .url(url)
            .cachedFrom(g.cachedFrom())
            .costUsd(g.cost() == null ? null : g.cost().usd())
            .providerMetadata(providerMetadata)
            .build();
    return ChatResponse.builder().aiMessage(ai).metadata(metadata).build();
  }

  private static @Nullable Integer count(@Nullable Long tokens) {
    return tokens == null ? null : (int) Math.min(Integer.MAX_VALUE, tokens);
  }

  private static List<ToolExecutionRequest> toolRequests(@Nullable String toolCalls) {
    if (toolCalls == null) {
      return List.of();
    }
    try {
      List<ToolExecutionRequest> requests = new ArrayList<>();
      for (JsonNode call : JSON.readTree(toolCalls)) {
        JsonNode function = call.path("function");
        requests.add(
            ToolExecutionRequest.builder()
                .id(call.path("id").asText(null))
                .name(function.path("name").asText(null))
                .arguments(function.path("arguments").asText(null))
                .build());
      }
      return requests;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored generation's tool calls are not JSON", e);
    }
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }
}
