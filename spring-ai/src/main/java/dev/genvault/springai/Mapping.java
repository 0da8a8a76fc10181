package dev.genvault.springai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genvault.Attribution;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.ModelResult;
import dev.genvault.Usage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * Spring AI's prompts and responses to Genvault's records and back.
 *
 * <p>A message that is more than text is stored as the JSON of its parts, in the shapes of OpenAI's
 * chat format, so that the record keeps it whole and two prompts that differ only there never share
 * a dedup key: an assistant message with tool calls ({@code {"content":..,"tool_calls":[..]}}), a
 * tool response message ({@code [{"tool_call_id":..,"name":..,"content":..}]}), a user message with
 * media ({@code {"content":[parts]}}).
 */
final class Mapping {
  /** Sorted keys: the same prompt always writes the same JSON, so dedup keys are stable. */
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private Mapping() {}

  /**
   * The prompt as Genvault records it. Each option is the prompt's, else the wrapped model's
   * default; the model name, else {@code fallbackModel}.
   *
   * @throws IllegalArgumentException if no model name is known, or a message cannot be recorded
   */
  static GenerationRequest request(
      Prompt prompt,
      @Nullable ChatOptions defaults,
      @Nullable String fallbackModel,
      Attribution attribution) {
    ChatOptions own = prompt.getOptions();
    String model = option(own, defaults, ChatOptions::getModel);
    if (model == null || model.isBlank()) {
      model = fallbackModel;
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(
          "the prompt names no model, and neither do the wrapped model's default options:"
              + " set one with PersistentChatModel.builder(..).modelName(..)");
    }
    List<Message> messages = new ArrayList<>(prompt.getInstructions().size());
    for (org.springframework.ai.chat.messages.Message m : prompt.getInstructions()) {
      messages.add(message(m));
    }
    GenerationRequest.Builder b =
        GenerationRequest.builder()
            .model(model)
            .messages(messages)
            .temperature(option(own, defaults, ChatOptions::getTemperature))
            .topP(option(own, defaults, ChatOptions::getTopP))
            .maxOutputTokens(option(own, defaults, ChatOptions::getMaxTokens))
            .attribution(attribution);
    List<String> stop = option(own, defaults, ChatOptions::getStopSequences);
    if (stop != null && !stop.isEmpty()) {
      b.stop(stop);
    }
    Integer topK = option(own, defaults, ChatOptions::getTopK);
    if (topK != null) {
      b.parameter("top_k", topK.toString());
    }
    Double frequency = option(own, defaults, ChatOptions::getFrequencyPenalty);
    if (frequency != null) {
      b.parameter("frequency_penalty", frequency.toString());
    }
    Double presence = option(own, defaults, ChatOptions::getPresencePenalty);
    if (presence != null) {
      b.parameter("presence_penalty", presence.toString());
    }
    b.tools(tools(own, defaults));
    String options = options(own, defaults);
    if (options != null) {
      b.parameter(OPTIONS, options);
    }
    return b.build();
  }

  /** The parameter under which the options as a whole are recorded. */
  static final String OPTIONS = "spring_ai_options";

  /** Every property, in order, none null: the options as a whole (a provider's own ones too). */
  private static final ObjectMapper OPTIONS_JSON =
      JsonMapper.builder()
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
          .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  /**
   * The prompt's options over the model's defaults, as JSON: every option a provider's options
   * class serializes (OpenAI's response format, seed, reasoning effort, ...), so that two prompts
   * that differ in any of them never share a dedup key. Null where neither has any.
   */
  static @Nullable String options(@Nullable ChatOptions own, @Nullable ChatOptions defaults) {
    ObjectNode merged = OPTIONS_JSON.createObjectNode();
    for (ChatOptions o : new ChatOptions[] {defaults, own}) {
      if (o == null) {
        continue;
      }
      JsonNode tree;
      try {
        tree = OPTIONS_JSON.valueToTree(o);
      } catch (IllegalArgumentException e) {
        tree = OPTIONS_JSON.getNodeFactory().textNode(o.toString());
      }
      if (tree.isObject()) {
        merged.setAll((ObjectNode) tree);
      } else {
        merged.set(o == own ? "prompt" : "defaults", tree);
      }
    }
    return merged.isEmpty() ? null : json(sorted(merged));
  }

  private static JsonNode sorted(JsonNode node) {
    if (!node.isObject()) {
      return node;
    }
    ObjectNode out = OPTIONS_JSON.createObjectNode();
    java.util.List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    java.util.Collections.sort(names);
    for (String name : names) {
      out.set(name, sorted(node.get(name)));
    }
    return out;
  }

  /**
   * Whether the wrapped model runs the prompt's tools itself (Spring AI's internal tool execution,
   * its default when tools are given): its answer then depends on what the tools returned, which
   * the prompt does not hold.
   */
  static boolean runsToolsItself(@Nullable ChatOptions own, @Nullable ChatOptions defaults) {
    boolean tools = false;
    Boolean internal = null;
    for (ChatOptions o : new ChatOptions[] {own, defaults}) {
      if (o instanceof ToolCallingChatOptions t) {
        tools |= t.getToolCallbacks() != null && !t.getToolCallbacks().isEmpty();
        tools |= t.getToolNames() != null && !t.getToolNames().isEmpty();
        if (internal == null) {
          internal = t.getInternalToolExecutionEnabled();
        }
      }
    }
    return tools && (internal == null || internal);
  }

  private static <T> @Nullable T option(
      @Nullable ChatOptions own, @Nullable ChatOptions defaults, Function<ChatOptions, T> get) {
    T value = own == null ? null : get.apply(own);
    return value != null || defaults == null ? value : get.apply(defaults);
  }

  /** The tools offered, in OpenAI's shape: each callback's name, description and input schema. */
  private static @Nullable String tools(@Nullable ChatOptions own, @Nullable ChatOptions defaults) {
    List<ToolCallback> callbacks = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (ChatOptions o : new ChatOptions[] {own, defaults}) {
      if (o instanceof ToolCallingChatOptions t && callbacks.isEmpty() && names.isEmpty()) {
        if (t.getToolCallbacks() != null) {
          callbacks.addAll(t.getToolCallbacks());
        }
        if (t.getToolNames() != null) {
          names.addAll(new java.util.TreeSet<>(t.getToolNames()));
        }
      }
    }
    if (callbacks.isEmpty() && names.isEmpty()) {
      return null;
    }
    ArrayNode tools = JSON.createArrayNode();
    for (ToolCallback c : callbacks) {
      ToolDefinition d = c.getToolDefinition();
      ObjectNode function = tools.addObject().put("type", "function").putObject("function");
      function.put("name", d.name()).put("description", d.description());
      function.set("parameters", tree(d.inputSchema()));
    }
    for (String name : names) {
      tools.addObject().put("type", "function").putObject("function").put("name", name);
    }
    return json(tools);
  }

  /** One message as recorded: plain text where it is only text, else the JSON of its parts. */
  static Message message(org.springframework.ai.chat.messages.Message m) {
    if (m instanceof SystemMessage s) {
      return Message.system(text(s.getText()));
    }
    if (m instanceof UserMessage u) {
      if (u.getMedia().isEmpty()) {
        return Message.user(text(u.getText()));
      }
      ObjectNode node = JSON.createObjectNode();
      ArrayNode parts = node.putArray("content");
      if (u.getText() != null && !u.getText().isEmpty()) {
        parts.addObject().put("type", "text").put("text", u.getText());
      }
      for (Media media : u.getMedia()) {
        parts.add(part(media));
      }
      return new Message("user", json(node));
    }
    if (m instanceof AssistantMessage a) {
      if (!a.hasToolCalls()) {
        return Message.assistant(text(a.getText()));
      }
      ObjectNode node = JSON.createObjectNode();
      node.put("content", a.getText());
      node.set("tool_calls", toolCalls(a.getToolCalls()));
      return new Message("assistant", json(node));
    }
    if (m instanceof ToolResponseMessage t) {
      ArrayNode responses = JSON.createArrayNode();
      for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
        responses
            .addObject()
            .put("tool_call_id", r.id())
            .put("name", r.name())
            .put("content", r.responseData());
      }
      return new Message("tool", json(responses));
    }
    throw new IllegalArgumentException(
        "a " + m.getClass().getName() + " message cannot be recorded by Genvault");
  }

  private static String text(@Nullable String text) {
    return text == null ? "" : text;
  }

  private static JsonNode part(Media media) {
    ObjectNode part = JSON.createObjectNode();
    String mime = media.getMimeType().toString();
    Object data = media.getData();
    String url =
        data instanceof String s
            ? s
            : "data:"
                + mime
                + ";base64,"
                + Base64.getEncoder().encodeToString(media.getDataAsByteArray());
    if (mime.startsWith("image/")) {
      part.put("type", "image_url").putObject("image_url").put("url", url);
    } else {
      part.put("type", "file").putObject("file").put("mime_type", mime).put("url", url);
    }
    return part;
  }

  /** Tool calls in OpenAI's shape, as Genvault's own client stores them. */
  private static ArrayNode toolCalls(List<AssistantMessage.ToolCall> calls) {
    ArrayNode array = JSON.createArrayNode();
    for (AssistantMessage.ToolCall c : calls) {
      ObjectNode call = array.addObject();
      call.put("id", c.id());
      call.put("type", c.type() == null ? "function" : c.type());
      call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
    }
    return array;
  }

  /** A whole (not streamed) answer as the generation's result. */
  static ModelResult result(ChatResponse response) {
    org.springframework.ai.chat.model.Generation first = response.getResult();
    AssistantMessage out = first == null ? null : first.getOutput();
    ModelResult.Builder b =
        ModelResult.builder()
            .text(out == null ? null : out.getText())
            .finishReason(first == null ? null : finishReason(first.getMetadata()))
            .usage(usage(response.getMetadata()))
            .providerModel(blankToNull(response.getMetadata().getModel()))
            .providerResponseId(blankToNull(response.getMetadata().getId()));
    if (out != null && out.hasToolCalls()) {
      b.toolCalls(json(toolCalls(out.getToolCalls())));
    }
    return b.build();
  }

  static @Nullable String finishReason(@Nullable ChatGenerationMetadata metadata) {
    String reason = metadata == null ? null : metadata.getFinishReason();
    return reason == null || reason.isBlank() ? null : reason.toLowerCase(Locale.ROOT);
  }

  /** The usage a response reports, or null where it reports none (Spring AI's empty usage). */
  static @Nullable Usage usage(@Nullable ChatResponseMetadata metadata) {
    if (metadata == null || metadata.getUsage() == null) {
      return null;
    }
    Integer in = metadata.getUsage().getPromptTokens();
    Integer out = metadata.getUsage().getCompletionTokens();
    if ((in == null || in == 0) && (out == null || out == 0)) {
      return null;
    }
    return Usage.of(in == null ? 0 : in, out == null ? 0 : out);
  }

  static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /**
   * The stored record as Spring AI's response, its metadata naming the generation; with {@code
   * withText} false, the last piece of a stream (its text came in the pieces before).
   */
  static ChatResponse answered(ChatResponse model, Generation g, String url) {
    return new ChatResponse(model.getResults(), metadata(g, url, model.getMetadata()));
  }

  static ChatResponse response(
      Generation g, String url, @Nullable ChatResponseMetadata provider, boolean withText) {
    List<AssistantMessage.ToolCall> calls = toolCallsOf(g.toolCalls());
    AssistantMessage out =
        AssistantMessage.builder().content(withText ? g.text() : "").toolCalls(calls).build();
    String reason = g.finishReason();
    ChatGenerationMetadata generationMetadata =
        reason == null
            ? ChatGenerationMetadata.NULL
            : ChatGenerationMetadata.builder()
                .finishReason(reason.toUpperCase(Locale.ROOT))
                .build();
    return new ChatResponse(
        List.of(new org.springframework.ai.chat.model.Generation(out, generationMetadata)),
        metadata(g, url, provider));
  }

  /**
   * Metadata for a response: the wrapped model's own entries, rate limit and prompt metadata where
   * it was called, and the generation's ID, URL, usage and cost.
   */
  private static ChatResponseMetadata metadata(
      Generation g, String url, @Nullable ChatResponseMetadata provider) {
    ChatResponseMetadata.Builder m = ChatResponseMetadata.builder();
    if (provider != null) {
      for (var entry : provider.entrySet()) {
        if (entry.getValue() != null) {
          m.keyValue(entry.getKey(), entry.getValue());
        }
      }
      m.rateLimit(provider.getRateLimit()).promptMetadata(provider.getPromptMetadata());
    }
    m.id(g.providerResponseId() == null ? "" : g.providerResponseId())
        .model(g.providerModel() != null ? g.providerModel() : g.model())
        .keyValue(GenvaultMetadata.GENERATION_ID, g.id())
        .keyValue(GenvaultMetadata.URL, url);
    Usage u = g.usage();
    if (u != null) {
      m.usage(new DefaultUsage(count(u.inputTokens()), count(u.outputTokens())));
    }
    if (g.cachedFrom() != null) {
      m.keyValue(GenvaultMetadata.CACHED_FROM, g.cachedFrom());
    }
    if (g.cost() != null) {
      m.keyValue(GenvaultMetadata.COST_USD, g.cost().usd());
    }
    return m.build();
  }

  /** A streamed piece of text, its metadata naming the generation. */
  static ChatResponse piece(String text, String generationId) {
    return new ChatResponse(
        List.of(new org.springframework.ai.chat.model.Generation(new AssistantMessage(text))),
        ChatResponseMetadata.builder()
            .keyValue(GenvaultMetadata.GENERATION_ID, generationId)
            .build());
  }

  private static @Nullable Integer count(@Nullable Long tokens) {
    return tokens == null ? null : (int) Math.min(Integer.MAX_VALUE, tokens);
  }

  private static List<AssistantMessage.ToolCall> toolCallsOf(@Nullable String toolCalls) {
    if (toolCalls == null) {
      return List.of();
    }
    List<AssistantMessage.ToolCall> calls = new ArrayList<>();
    for (JsonNode call : tree(toolCalls)) {
      JsonNode function = call.path("function");
      calls.add(
          new AssistantMessage.ToolCall(
              call.path("id").asText(null),
              call.path("type").asText("function"),
              function.path("name").asText(null),
              function.path("arguments").asText(null)));
    }
    return calls;
  }

  /** Tool calls gathered from the pieces of a stream, in OpenAI's shape. */
  static String toolCallsJson(List<AssistantMessage.ToolCall> calls) {
    return json(toolCalls(calls));
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
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
