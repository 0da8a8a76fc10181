package dev.genvault;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What to generate: the model, the prompt or chat messages, every parameter that changes the
 * output, and who asks (user, tenant, metadata).
 *
 * <p>A request never holds a secret: API keys belong to the {@link ModelClient}. {@link
 * Builder#build()} rejects bad input with an {@link IllegalArgumentException} that names the field,
 * so nothing is stored and nothing is paid for.
 *
 * <p>Immutable and thread safe. Use {@link #toBuilder()} to derive a changed copy.
 */
public final class GenerationRequest {
  /** Most metadata pairs a request may carry. */
  public static final int MAX_METADATA_ENTRIES = 16;

  /** Longest metadata key, in characters. */
  public static final int MAX_METADATA_KEY_LENGTH = 64;

  /** Longest metadata value, in characters. */
  public static final int MAX_METADATA_VALUE_LENGTH = 512;

  /** Longest user or tenant ID, in characters. */
  public static final int MAX_ID_LENGTH = 256;

  private final GenerationKind kind;
  private final String model;
  private final @Nullable String prompt;
  private final @Nullable String system;
  private final List<Message> messages;
  private final @Nullable Double temperature;
  private final @Nullable Double topP;
  private final @Nullable Integer maxOutputTokens;
  private final @Nullable Long seed;
  private final @Nullable Integer n;
  private final List<String> stop;
  private final @Nullable String responseFormat;
  private final @Nullable String tools;
  private final @Nullable String toolChoice;
  private final @Nullable String imageSize;
  private final @Nullable String imageQuality;
  private final Map<String, String> parameters;
  private final @Nullable String userId;
  private final @Nullable String tenantId;
  private final Map<String, String> metadata;

  private GenerationRequest(Builder b) {
    this.kind = b.kind;
    this.model = Objects.requireNonNull(b.model);
    this.prompt = b.prompt;
    this.system = b.system;
    this.messages = List.copyOf(b.messages);
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.maxOutputTokens = b.maxOutputTokens;
    this.seed = b.seed;
    this.n = b.n;
    this.stop = List.copyOf(b.stop);
    this.responseFormat = b.responseFormat;
    this.tools = b.tools;
    this.toolChoice = b.toolChoice;
    this.imageSize = b.imageSize;
    this.imageQuality = b.imageQuality;
    this.parameters = Collections.unmodifiableMap(new TreeMap<>(b.parameters));
    this.userId = b.userId;
    this.tenantId = b.tenantId;
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
  }

  /** A new builder for a {@link GenerationKind#TEXT} request. */
  public static Builder builder() {
    return new Builder();
  }

  /** A text request with one user prompt. */
  public static GenerationRequest prompt(String model, String prompt) {
    return builder().model(model).prompt(prompt).build();
  }

  /** A chat request with the given messages. */
  public static GenerationRequest chat(String model, List<Message> messages) {
    return builder().model(model).messages(messages).build();
  }

  /** An image request with the given prompt. */
  public static GenerationRequest image(String model, String prompt) {
    return builder().kind(GenerationKind.IMAGE).model(model).prompt(prompt).build();
  }

  /** A builder holding every field of this request. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.kind = kind;
    b.model = model;
    b.prompt = prompt;
    b.system = system;
    b.messages.addAll(messages);
    b.temperature = temperature;
    b.topP = topP;
    b.maxOutputTokens = maxOutputTokens;
    b.seed = seed;
    b.n = n;
    b.stop.addAll(stop);
    b.responseFormat = responseFormat;
    b.tools = tools;
    b.toolChoice = toolChoice;
    b.imageSize = imageSize;
    b.imageQuality = imageQuality;
    b.parameters.putAll(parameters);
    b.userId = userId;
    b.tenantId = tenantId;
    b.metadata.putAll(metadata);
    return b;
  }

  /** What to generate. */
  public GenerationKind kind() {
    return kind;
  }

  /** The model as requested, e.g. {@code gpt-4o-mini}. */
  public String model() {
    return model;
  }

  /** The single user prompt, or null when {@link #messages()} are used. */
  public @Nullable String prompt() {
    return prompt;
  }

  /** The system prompt, or null. */
  public @Nullable String system() {
    return system;
  }

  /** The chat messages, or an empty list when {@link #prompt()} is used. */
  public List<Message> messages() {
    return messages;
  }

  /**
   * The conversation as the model sees it: the system prompt (if any), then the messages or the
   * prompt as one user message.
   */
  public List<Message> conversation() {
    List<Message> all = new ArrayList<>(messages.size() + 2);
    if (system != null) {
      all.add(Message.system(system));
    }
    if (prompt != null) {
      all.add(Message.user(prompt));
    } else {
      all.addAll(messages);
    }
    return Collections.unmodifiableList(all);
  }

  /** Total characters of system prompt, prompt and message contents. */
  public long inputLength() {
    long length = 0;
    for (Message m : conversation()) {
      length += m.content().length();
    }
    return length;
  }

  /** Sampling temperature, or null for the provider's default. */
  public @Nullable Double temperature() {
    return temperature;
  }

  /** Nucleus sampling mass, or null for the provider's default. */
  public @Nullable Double topP() {
    return topP;
  }

  /** Cap on generated tokens, or null for the provider's default. */
  public @Nullable Integer maxOutputTokens() {
    return maxOutputTokens;
  }

  /** Sampling seed, or null. */
  public @Nullable Long seed() {
    return seed;
  }

  /** Number of choices or images to generate, or null for one. */
  public @Nullable Integer n() {
    return n;
  }

  /** Stop sequences; empty for none. */
  public List<String> stop() {
    return stop;
  }

  /** Response format as the provider expects it (e.g. a JSON schema document), or null. */
  public @Nullable String responseFormat() {
    return responseFormat;
  }

  /** Tool definitions as a JSON document, or null. */
  public @Nullable String tools() {
    return tools;
  }

  /** Tool choice as the provider expects it, or null. */
  public @Nullable String toolChoice() {
    return toolChoice;
  }

  /** Image size, e.g. {@code 1024x1024}, or null. */
  public @Nullable String imageSize() {
    return imageSize;
  }

  /** Image quality, e.g. {@code high}, or null. */
  public @Nullable String imageQuality() {
    return imageQuality;
  }

  /**
   * Other provider parameters that change the output, sorted by name. Values are the JSON text the
   * provider expects.
   */
  public Map<String, String> parameters() {
    return parameters;
  }

  /** Who the generation is for, or null. */
  public @Nullable String userId() {
    return userId;
  }

  /** The tenant the user belongs to, or null. */
  public @Nullable String tenantId() {
    return tenantId;
  }

  /** Free-form metadata stored on the record; never sent to the provider. */
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof GenerationRequest)) {
      return false;
    }
    GenerationRequest r = (GenerationRequest) o;
    return kind == r.kind
        && model.equals(r.model)
        && Objects.equals(prompt, r.prompt)
        && Objects.equals(system, r.system)
        && messages.equals(r.messages)
        && Objects.equals(temperature, r.temperature)
        && Objects.equals(topP, r.topP)
        && Objects.equals(maxOutputTokens, r.maxOutputTokens)
        && Objects.equals(seed, r.seed)
        && Objects.equals(n, r.n)
        && stop.equals(r.stop)
        && Objects.equals(responseFormat, r.responseFormat)
        && Objects.equals(tools, r.tools)
        && Objects.equals(toolChoice, r.toolChoice)
        && Objects.equals(imageSize, r.imageSize)
        && Objects.equals(imageQuality, r.imageQuality)
        && parameters.equals(r.parameters)
        && Objects.equals(userId, r.userId)
        && Objects.equals(tenantId, r.tenantId)
        && metadata.equals(r.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, model, prompt, system, messages, userId, tenantId);
  }

  @Override
  public String toString() {
    return "GenerationRequest{kind="
        + kind.wireName()
        + ", model="
        + model
        + ", inputChars="
        + inputLength()
        + (userId == null ? "" : ", userId=" + userId)
        + (tenantId == null ? "" : ", tenantId=" + tenantId)
        + '}';
  }

  /** Builds a {@link GenerationRequest}; {@link #build()} validates everything. */
  public static final class Builder {
    private GenerationKind kind = GenerationKind.TEXT;
    private @Nullable String model;
    private @Nullable String prompt;
    private @Nullable String system;
    private final List<Message> messages = new ArrayList<>();
    private @Nullable Double temperature;
    private @Nullable Double topP;
    private @Nullable Integer maxOutputTokens;
    private @Nullable Long seed;
    private @Nullable Integer n;
    private final List<String> stop = new ArrayList<>();
    private @Nullable String responseFormat;
    private @Nullable String tools;
    private @Nullable String toolChoice;
    private @Nullable String imageSize;
    private @Nullable String imageQuality;
    private final Map<String, String> parameters = new TreeMap<>();
    private @Nullable String userId;
    private @Nullable String tenantId;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder() {}

    /** What to generate; {@link GenerationKind#TEXT} by default. */
    public Builder kind(GenerationKind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /** The model, e.g. {@code gpt-4o-mini}. Required. */
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /** One user prompt. Set either a prompt or messages. */
    public Builder prompt(@Nullable String prompt) {
      this.prompt = prompt;
      return this;
    }

    /** A system prompt placed before the prompt or messages. */
    public Builder system(@Nullable String system) {
      this.system = system;
      return this;
    }

    /** Replaces the chat messages. Set either a prompt or messages. */
    public Builder messages(List<Message> messages) {
      this.messages.clear();
      for (Message m : messages) {
        this.messages.add(Objects.requireNonNull(m, "messages must not contain null"));
      }
      return this;
    }

    /** Appends one chat message. */
    public Builder message(Message message) {
      this.messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    /** Sampling temperature, 0 to 2. */
    public Builder temperature(@Nullable Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /** Nucleus sampling mass, greater than 0 and at most 1. */
    public Builder topP(@Nullable Double topP) {
      this.topP = topP;
      return this;
    }

    /** Cap on generated tokens, at least 1. */
    public Builder maxOutputTokens(@Nullable Integer maxOutputTokens) {
      this.maxOutputTokens = maxOutputTokens;
      return this;
    }

    /** Sampling seed. */
    public Builder seed(@Nullable Long seed) {
      this.seed = seed;
      return this;
    }

    /** Number of choices or images, 1 to 128. */
    public Builder n(@Nullable Integer n) {
      this.n = n;
      return this;
    }

    /** Replaces the stop sequences. */
    public Builder stop(List<String> stop) {
      this.stop.clear();
      for (String s : stop) {
        this.stop.add(Objects.requireNonNull(s, "stop must not contain null"));
      }
      return this;
    }

    /** Response format as the provider expects it. */
    public Builder responseFormat(@Nullable String responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /** Tool definitions as a JSON document. */
    public Builder tools(@Nullable String tools) {
      this.tools = tools;
      return this;
    }

    /** Tool choice as the provider expects it. */
    public Builder toolChoice(@Nullable String toolChoice) {
      this.toolChoice = toolChoice;
      return this;
    }

    /** Image size, e.g. {@code 1024x1024}. */
    public Builder imageSize(@Nullable String imageSize) {
      this.imageSize = imageSize;
      return this;
    }

    /** Image quality, e.g. {@code high}. */
    public Builder imageQuality(@Nullable String imageQuality) {
      this.imageQuality = imageQuality;
      return this;
    }

    /**
     * Another provider parameter that changes the output, as the JSON text the provider expects
     * (e.g. {@code parameter("presence_penalty", "0.5")}). Never put a secret here.
     */
    public Builder parameter(String name, String jsonValue) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("parameter name must not be blank");
      }
      parameters.put(name, Objects.requireNonNull(jsonValue, "parameter value"));
      return this;
    }

    /** Who the generation is for. */
    public Builder userId(@Nullable String userId) {
      this.userId = userId;
      return this;
    }

    /** The tenant the user belongs to; cached results are never shared across tenants. */
    public Builder tenantId(@Nullable String tenantId) {
      this.tenantId = tenantId;
      return this;
    }

    /** Adds one metadata pair (at most 16, keys up to 64 and values up to 512 characters). */
    public Builder metadata(String key, String value) {
      metadata.put(
          Objects.requireNonNull(key, "metadata key"),
          Objects.requireNonNull(value, "metadata value"));
      return this;
    }

    /** Replaces the metadata. */
    public Builder metadata(Map<String, String> metadata) {
      this.metadata.clear();
      metadata.forEach(this::metadata);
      return this;
    }

    /**
     * Validates and builds the request.
     *
     * @throws IllegalArgumentException naming the field that is missing or out of range
     */
    public GenerationRequest build() {
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("model is required");
      }
      if (model.length() > 256 || !model.strip().equals(model)) {
        throw new IllegalArgumentException(
            "model must be at most 256 characters without surrounding spaces");
      }
      if (prompt != null && !messages.isEmpty()) {
        throw new IllegalArgumentException("set either prompt or messages, not both");
      }
      if (prompt == null && messages.isEmpty()) {
        throw new IllegalArgumentException("prompt or messages is required");
      }
      if (prompt != null && prompt.isBlank()) {
        throw new IllegalArgumentException("prompt must not be blank");
      }
      if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
        throw new IllegalArgumentException("temperature must be between 0 and 2: " + temperature);
      }
      if (topP != null && !(topP > 0 && topP <= 1)) {
        throw new IllegalArgumentException("topP must be greater than 0 and at most 1: " + topP);
      }
      if (maxOutputTokens != null && maxOutputTokens < 1) {
        throw new IllegalArgumentException(
            "maxOutputTokens must be at least 1: " + maxOutputTokens);
      }
      if (n != null && (n < 1 || n > 128)) {
        throw new IllegalArgumentException("n must be between 1 and 128: " + n);
      }
      checkText("model", model);
      checkText("prompt", prompt);
      checkText("system", system);
      for (int i = 0; i < messages.size(); i++) {
        checkText("messages[" + i + "].role", messages.get(i).role());
        checkText("messages[" + i + "].content", messages.get(i).content());
      }
      for (int i = 0; i < stop.size(); i++) {
        checkText("stop[" + i + "]", stop.get(i));
      }
      checkText("responseFormat", responseFormat);
      checkText("tools", tools);
      checkText("toolChoice", toolChoice);
      checkText("imageSize", imageSize);
      checkText("imageQuality", imageQuality);
      for (Map.Entry<String, String> e : parameters.entrySet()) {
        checkText("parameter name", e.getKey());
        checkText("parameter '" + abbreviate(e.getKey()) + "'", e.getValue());
      }
      checkText("userId", userId);
      checkText("tenantId", tenantId);
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        checkText("metadata key", e.getKey());
        checkText("metadata '" + abbreviate(e.getKey()) + "'", e.getValue());
      }
      checkId("userId", userId);
      checkId("tenantId", tenantId);
      if (metadata.size() > MAX_METADATA_ENTRIES) {
        throw new IllegalArgumentException(
            "metadata has " + metadata.size() + " pairs, more than " + MAX_METADATA_ENTRIES);
      }
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        if (e.getKey().isBlank() || e.getKey().length() > MAX_METADATA_KEY_LENGTH) {
          throw new IllegalArgumentException(
              "metadata key must be 1 to "
                  + MAX_METADATA_KEY_LENGTH
                  + " characters: '"
                  + abbreviate(e.getKey())
                  + "'");
        }
        if (e.getValue().length() > MAX_METADATA_VALUE_LENGTH) {
          throw new IllegalArgumentException(
              "metadata value for '"
                  + e.getKey()
                  + "' is "
                  + e.getValue().length()
                  + " characters, more than "
                  + MAX_METADATA_VALUE_LENGTH);
        }
      }
      return new GenerationRequest(this);
    }

    /**
     * Refuses text that cannot be stored or hashed faithfully, before anything is sent: U+0000
     * (PostgreSQL text and JSON cannot hold it) and a lone UTF-16 surrogate (it has no UTF-8 form:
     * encoders and databases turn it into {@code ?}, so two different requests would look alike).
     */
    private static void checkText(String field, @Nullable String value) {
      if (value == null) {
        return;
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\0') {
          throw new IllegalArgumentException(
              field
                  + " contains a NUL character (U+0000) at index "
                  + i
                  + ", which databases cannot store");
        }
        if (Character.isHighSurrogate(c)
            && i + 1 < value.length()
            && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          throw new IllegalArgumentException(
              String.format(
                  "%s contains an unpaired surrogate (U+%04X) at index %d: it is not valid"
                      + " Unicode text and cannot be stored or sent as UTF-8",
                  field, (int) c, i));
        }
      }
    }

    private static void checkId(String field, @Nullable String value) {
      if (value == null) {
        return;
      }
      if (value.isBlank()) {
        throw new IllegalArgumentException(field + " must not be blank");
      }
      if (value.length() > MAX_ID_LENGTH) {
        throw new IllegalArgumentException(
            field + " must be at most " + MAX_ID_LENGTH + " characters");
      }
    }

    private static String abbreviate(String s) {
      return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
  }
}
