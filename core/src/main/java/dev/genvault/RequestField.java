package dev.genvault;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Every field of a {@link GenerationRequest}, declared once. The dedup fingerprint, the stored
 * JSON, equality and {@link GenerationRequest#toBuilder()} all walk this list, so a field added
 * here is fingerprinted, stored and compared without another edit; a client's wire writer can be
 * checked against it (every field that {@link #affectsOutput()} is sent or refused).
 */
public enum RequestField {
  /** {@link GenerationRequest#kind()}. */
  KIND("kind", Type.KIND, true, GenerationRequest::kind, (b, v) -> b.kind((GenerationKind) v)),
  /** {@link GenerationRequest#model()}. */
  MODEL("model", Type.TEXT, true, GenerationRequest::model, (b, v) -> b.model((String) v)),
  /** {@link GenerationRequest#system()}. */
  SYSTEM("system", Type.TEXT, true, GenerationRequest::system, (b, v) -> b.system((String) v)),
  /** {@link GenerationRequest#prompt()}. */
  PROMPT("prompt", Type.TEXT, true, GenerationRequest::prompt, (b, v) -> b.prompt((String) v)),
  /** {@link GenerationRequest#messages()}. */
  MESSAGES(
      "messages",
      Type.MESSAGES,
      true,
      GenerationRequest::messages,
      (b, v) -> b.messages(messages(v))),
  /** {@link Sampling#temperature()}. */
  TEMPERATURE(
      "temperature",
      Type.DECIMAL,
      true,
      GenerationRequest::temperature,
      (b, v) -> b.temperature(v == null ? null : ((Number) v).doubleValue())),
  /** {@link Sampling#topP()}. */
  TOP_P(
      "top_p",
      Type.DECIMAL,
      true,
      GenerationRequest::topP,
      (b, v) -> b.topP(v == null ? null : ((Number) v).doubleValue())),
  /** {@link Sampling#maxOutputTokens()}. */
  MAX_OUTPUT_TOKENS(
      "max_output_tokens",
      Type.INTEGER,
      true,
      GenerationRequest::maxOutputTokens,
      (b, v) -> b.maxOutputTokens(v == null ? null : ((Number) v).intValue())),
  /** {@link Sampling#seed()}. */
  SEED(
      "seed",
      Type.INTEGER,
      true,
      GenerationRequest::seed,
      (b, v) -> b.seed(v == null ? null : ((Number) v).longValue())),
  /** {@link Sampling#n()}. */
  N(
      "n",
      Type.INTEGER,
      true,
      GenerationRequest::n,
      (b, v) -> b.n(v == null ? null : ((Number) v).intValue())),
  /** {@link Sampling#stop()}. */
  STOP("stop", Type.TEXT_LIST, true, GenerationRequest::stop, (b, v) -> b.stop(texts(v))),
  /** {@link GenerationRequest#responseFormat()}. */
  RESPONSE_FORMAT(
      "response_format",
      Type.TEXT,
      true,
      GenerationRequest::responseFormat,
      (b, v) -> b.responseFormat((String) v)),
  /** {@link ToolOptions#tools()}. */
  TOOLS("tools", Type.TEXT, true, GenerationRequest::tools, (b, v) -> b.tools((String) v)),
  /** {@link ToolOptions#toolChoice()}. */
  TOOL_CHOICE(
      "tool_choice",
      Type.TEXT,
      true,
      GenerationRequest::toolChoice,
      (b, v) -> b.toolChoice((String) v)),
  /** {@link ImageOptions#size()}. */
  IMAGE_SIZE(
      "image_size",
      Type.TEXT,
      true,
      GenerationRequest::imageSize,
      (b, v) -> b.imageSize((String) v)),
  /** {@link ImageOptions#quality()}. */
  IMAGE_QUALITY(
      "image_quality",
      Type.TEXT,
      true,
      GenerationRequest::imageQuality,
      (b, v) -> b.imageQuality((String) v)),
  /** {@link GenerationRequest#parameters()}. */
  PARAMETERS(
      "parameters",
      Type.TEXT_MAP,
      true,
      GenerationRequest::parameters,
      (b, v) -> b.parameters(textMap(v))),
  /** {@link Attribution#userId()}: not output; scopes the cache with {@link CacheScope#USER}. */
  USER_ID("user_id", Type.TEXT, false, GenerationRequest::userId, (b, v) -> b.userId((String) v)),
  /** {@link Attribution#tenantId()}: not output; always scopes the cache. */
  TENANT_ID(
      "tenant_id", Type.TEXT, false, GenerationRequest::tenantId, (b, v) -> b.tenantId((String) v)),
  /** {@link Attribution#metadata()}: stored only. */
  METADATA(
      "metadata",
      Type.TEXT_MAP,
      false,
      GenerationRequest::metadata,
      (b, v) -> b.metadata(textMap(v))),
  /** {@link GenerationRequest#parentId()}: not output; where the conversation is stored. */
  PARENT_ID(
      "parent_id", Type.TEXT, false, GenerationRequest::parentId, (b, v) -> b.parentId((String) v));

  /** The Java type of a field's value. */
  public enum Type {
    /** A {@link GenerationKind}. */
    KIND("a GenerationKind"),
    /** A {@link String}. */
    TEXT("a String"),
    /** A {@link Double} (any {@link Number} is taken). */
    DECIMAL("a number"),
    /** An {@link Integer} or a {@link Long} (any {@link Number} is taken). */
    INTEGER("a whole number"),
    /** A {@code List<String>}. */
    TEXT_LIST("a list of String"),
    /** A {@code List<Message>}. */
    MESSAGES("a list of Message"),
    /** A {@code Map<String, String>}. */
    TEXT_MAP("a map of String to String");

    private final String description;

    Type(String description) {
      this.description = description;
    }

    boolean accepts(Object value) {
      return switch (this) {
        case KIND -> value instanceof GenerationKind;
        case TEXT -> value instanceof String;
        case DECIMAL -> value instanceof Number;
        case INTEGER ->
            value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte;
        case TEXT_LIST ->
            value instanceof List<?> l && l.stream().allMatch(String.class::isInstance);
        case MESSAGES ->
            value instanceof List<?> l && l.stream().allMatch(Message.class::isInstance);
        case TEXT_MAP ->
            value instanceof Map<?, ?> m
                && m.keySet().stream().allMatch(String.class::isInstance)
                && m.values().stream().allMatch(String.class::isInstance);
      };
    }
  }

  private final String key;
  private final Type type;
  private final boolean affectsOutput;
  private final Function<GenerationRequest, @Nullable Object> getter;
  private final BiConsumer<GenerationRequest.Builder, @Nullable Object> setter;

  RequestField(
      String key,
      Type type,
      boolean affectsOutput,
      Function<GenerationRequest, @Nullable Object> getter,
      BiConsumer<GenerationRequest.Builder, @Nullable Object> setter) {
    this.key = key;
    this.type = type;
    this.affectsOutput = affectsOutput;
    this.getter = getter;
    this.setter = setter;
  }

  /** The field's name in the stored JSON, e.g. {@code max_output_tokens}. */
  public String key() {
    return key;
  }

  /** The type of {@link #value}. */
  public Type type() {
    return type;
  }

  /**
   * Whether the field can change what the model generates, and so is part of the dedup fingerprint.
   * The user, tenant and metadata do not (the tenant and user scope the cache apart).
   */
  public boolean affectsOutput() {
    return affectsOutput;
  }

  /** The field's value in a request: null, or an empty list or map, when not set. */
  public @Nullable Object value(GenerationRequest request) {
    return getter.apply(request);
  }

  /** Whether the request sets the field (a non-null value, or a non-empty list or map). */
  public boolean isSet(GenerationRequest request) {
    Object v = value(request);
    return v != null
        && !(v instanceof List && ((List<?>) v).isEmpty())
        && !(v instanceof Map && ((Map<?, ?>) v).isEmpty());
  }

  /**
   * Sets (replaces) the field on a builder.
   *
   * @throws IllegalArgumentException if the value is not of the field's {@link #type()}
   */
  void set(GenerationRequest.Builder builder, @Nullable Object value) {
    if (value != null && !type.accepts(value)) {
      throw new IllegalArgumentException(
          "request field "
              + key
              + " takes "
              + type.description
              + ", not "
              + value.getClass().getSimpleName());
    }
    setter.accept(builder, value);
  }

  /** The fields by JSON key: every stored request's every key is looked up here. */
  private static final java.util.Map<String, RequestField> BY_KEY = new java.util.HashMap<>();

  static {
    for (RequestField f : values()) {
      BY_KEY.put(f.key, f);
    }
  }

  /** The field stored under a JSON key, or null. */
  public static @Nullable RequestField forKey(String key) {
    return BY_KEY.get(key);
  }

  @SuppressWarnings("unchecked")
  private static List<Message> messages(@Nullable Object v) {
    return v == null ? List.of() : (List<Message>) v;
  }

  @SuppressWarnings("unchecked")
  private static List<String> texts(@Nullable Object v) {
    return v == null ? List.of() : (List<String>) v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> textMap(@Nullable Object v) {
    return v == null ? Map.of() : (Map<String, String>) v;
  }
}
