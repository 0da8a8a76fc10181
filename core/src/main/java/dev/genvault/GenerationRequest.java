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
 * What to generate: the model, the input (a prompt or chat messages, and a system prompt), and the
 * option groups that change the output ({@link Sampling}, {@link ToolOptions}, a response format,
 * {@link ImageOptions}, other provider parameters), and who asks ({@link Attribution}). Every field
 * is declared once in {@link RequestField}.
 *
 * <p>A request never holds a secret: API keys belong to the {@link ModelClient}. {@link
 * Builder#build()} rejects bad input with an {@link IllegalArgumentException} that names the field,
 * so nothing is stored and nothing is paid for.
 *
 * <p>Immutable and thread safe. Use {@link #toBuilder()} to derive a changed copy.
 */
public final class GenerationRequest {
  private final GenerationKind kind;
  private final String model;
  private final @Nullable String prompt;
  private final @Nullable String system;
  private final List<Message> messages;
  private final Sampling sampling;
  private final @Nullable String responseFormat;
  private final ToolOptions toolOptions;
  private final ImageOptions imageOptions;
  private final Map<String, String> parameters;
  private final Attribution attribution;
  private final @Nullable String parentId;

  private GenerationRequest(Builder b, Sampling sampling, Attribution attribution) {
    this.kind = b.kind;
    this.model = Objects.requireNonNull(b.model);
    this.prompt = b.prompt;
    this.system = b.system;
    this.messages = List.copyOf(b.messages);
    this.sampling = sampling;
    this.responseFormat = b.responseFormat;
    this.toolOptions = new ToolOptions(b.tools, b.toolChoice);
    this.imageOptions = new ImageOptions(b.imageSize, b.imageQuality);
    this.parameters = Collections.unmodifiableMap(new TreeMap<>(b.parameters));
    this.attribution = attribution;
    this.parentId = b.parentId;
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

  /**
   * The next turn of a conversation: {@code previous}'s request with its messages (or its prompt,
   * as a {@code user} message), then its answer as an {@code assistant} message, then {@code
   * newMessages}; the same model, options, user, tenant and metadata, and {@link #parentId()}
   * {@code previous}'s ID, so that the store keeps only the new messages. Change anything else
   * through {@link #toBuilder()}.
   *
   * @throws IllegalArgumentException if {@code previous} is not a text generation or {@code
   *     newMessages} is empty
   */
  public static GenerationRequest continuing(Generation previous, List<Message> newMessages) {
    if (previous.kind() != GenerationKind.TEXT || newMessages.isEmpty()) {
      throw new IllegalArgumentException(
          "continuing takes a text generation and at least one new message");
    }
    GenerationRequest before = previous.request();
    List<Message> messages =
        new ArrayList<>(
            before.prompt() != null ? List.of(Message.user(before.prompt())) : before.messages());
    messages.add(Message.assistant(previous.text()));
    messages.addAll(newMessages);
    return before.toBuilder().prompt(null).messages(messages).parentId(previous.id()).build();
  }

  /** A builder holding every field of this request. */
  public Builder toBuilder() {
    Builder b = new Builder();
    for (RequestField f : RequestField.values()) {
      if (f.isSet(this)) {
        f.set(b, f.value(this));
      }
    }
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

  /** The sampling options. */
  public Sampling sampling() {
    return sampling;
  }

  /** The tool options. */
  public ToolOptions toolOptions() {
    return toolOptions;
  }

  /** The image options. */
  public ImageOptions imageOptions() {
    return imageOptions;
  }

  /** Who asks, and the metadata stored with the record. */
  public Attribution attribution() {
    return attribution;
  }

  /** {@link Sampling#temperature()}. */
  public @Nullable Double temperature() {
    return sampling.temperature();
  }

  /** {@link Sampling#topP()}. */
  public @Nullable Double topP() {
    return sampling.topP();
  }

  /** {@link Sampling#maxOutputTokens()}. */
  public @Nullable Integer maxOutputTokens() {
    return sampling.maxOutputTokens();
  }

  /** {@link Sampling#seed()}. */
  public @Nullable Long seed() {
    return sampling.seed();
  }

  /** {@link Sampling#n()}. */
  public @Nullable Integer n() {
    return sampling.n();
  }

  /** {@link Sampling#stop()}. */
  public List<String> stop() {
    return sampling.stop();
  }

  /** Response format as the provider expects it (e.g. a JSON schema document), or null. */
  public @Nullable String responseFormat() {
    return responseFormat;
  }

  /** {@link ToolOptions#tools()}. */
  public @Nullable String tools() {
    return toolOptions.tools();
  }

  /** {@link ToolOptions#toolChoice()}. */
  public @Nullable String toolChoice() {
    return toolOptions.toolChoice();
  }

  /** {@link ImageOptions#size()}. */
  public @Nullable String imageSize() {
    return imageOptions.size();
  }

  /** {@link ImageOptions#quality()}. */
  public @Nullable String imageQuality() {
    return imageOptions.quality();
  }

  /**
   * Other provider parameters that change the output, sorted by name. Values are the JSON text the
   * provider expects.
   */
  public Map<String, String> parameters() {
    return parameters;
  }

  /** {@link Attribution#userId()}. */
  public @Nullable String userId() {
    return attribution.userId();
  }

  /** {@link Attribution#tenantId()}. */
  public @Nullable String tenantId() {
    return attribution.tenantId();
  }

  /** {@link Attribution#metadata()}: stored on the record; never sent to the provider. */
  public Map<String, String> metadata() {
    return attribution.metadata();
  }

  /**
   * The generation this chat request says it continues (see {@link #continuing}), or null. Never
   * sent to the provider and not part of the dedup fingerprint. The generator links the new
   * generation to it ({@link Generation#parentId()}) when its conversation and answer begin this
   * request's messages and it has the same user and tenant; otherwise it looks the conversation up
   * by its hash, and stores the request in full if nothing matches.
   */
  public @Nullable String parentId() {
    return parentId;
  }

  /** Equal when every {@link RequestField} is equal. */
  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof GenerationRequest)) {
      return false;
    }
    GenerationRequest r = (GenerationRequest) o;
    for (RequestField f : RequestField.values()) {
      if (!Objects.equals(f.value(this), f.value(r))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, model, prompt, system, messages, userId(), tenantId());
  }

  @Override
  public String toString() {
    String who = (userId() == null ? "" : ", userId=" + userId());
    who += (tenantId() == null ? "" : ", tenantId=" + tenantId());
    return "GenerationRequest{kind=" + kind.wireName() + ", model=" + model + who + '}';
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
    private @Nullable String parentId;

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

    /** Replaces every sampling option. */
    public Builder sampling(Sampling sampling) {
      Objects.requireNonNull(sampling, "sampling");
      temperature = sampling.temperature();
      topP = sampling.topP();
      maxOutputTokens = sampling.maxOutputTokens();
      seed = sampling.seed();
      n = sampling.n();
      return stop(sampling.stop());
    }

    /** {@link Sampling#temperature()}: 0 to 2. */
    public Builder temperature(@Nullable Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /** {@link Sampling#topP()}: greater than 0 and at most 1. */
    public Builder topP(@Nullable Double topP) {
      this.topP = topP;
      return this;
    }

    /** {@link Sampling#maxOutputTokens()}: at least 1. */
    public Builder maxOutputTokens(@Nullable Integer maxOutputTokens) {
      this.maxOutputTokens = maxOutputTokens;
      return this;
    }

    /** {@link Sampling#seed()}. */
    public Builder seed(@Nullable Long seed) {
      this.seed = seed;
      return this;
    }

    /** {@link Sampling#n()}: 1 to 128. */
    public Builder n(@Nullable Integer n) {
      this.n = n;
      return this;
    }

    /** Replaces the stop sequences ({@link Sampling#stop()}). */
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

    /** Replaces both tool options. */
    public Builder toolOptions(ToolOptions options) {
      return tools(options.tools()).toolChoice(options.toolChoice());
    }

    /** {@link ToolOptions#tools()}: tool definitions as a JSON document. */
    public Builder tools(@Nullable String tools) {
      this.tools = tools;
      return this;
    }

    /** {@link ToolOptions#toolChoice()}. */
    public Builder toolChoice(@Nullable String toolChoice) {
      this.toolChoice = toolChoice;
      return this;
    }

    /** Replaces both image options. */
    public Builder imageOptions(ImageOptions options) {
      return imageSize(options.size()).imageQuality(options.quality());
    }

    /** {@link ImageOptions#size()}, e.g. {@code 1024x1024}. */
    public Builder imageSize(@Nullable String imageSize) {
      this.imageSize = imageSize;
      return this;
    }

    /** {@link ImageOptions#quality()}, e.g. {@code high}. */
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

    /** Replaces the other provider parameters (see {@link #parameter}). */
    public Builder parameters(Map<String, String> parameters) {
      this.parameters.clear();
      parameters.forEach(this::parameter);
      return this;
    }

    /** Replaces the user, the tenant and the metadata. */
    public Builder attribution(Attribution attribution) {
      return userId(attribution.userId())
          .tenantId(attribution.tenantId())
          .metadata(attribution.metadata());
    }

    /** {@link Attribution#userId()}. */
    public Builder userId(@Nullable String userId) {
      this.userId = userId;
      return this;
    }

    /** {@link Attribution#tenantId()}: cached results are never shared across tenants. */
    public Builder tenantId(@Nullable String tenantId) {
      this.tenantId = tenantId;
      return this;
    }

    /** Adds one metadata pair ({@link Attribution} says the limits). */
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

    /** {@link GenerationRequest#parentId()}: a generation ID, at most 64 characters. */
    public Builder parentId(@Nullable String parentId) {
      this.parentId = parentId;
      return this;
    }

    /**
     * Sets (replaces) one field by its declaration.
     *
     * @throws IllegalArgumentException if the value is not of the field's {@link
     *     RequestField#type()}
     */
    public Builder set(RequestField field, @Nullable Object value) {
      field.set(this, value);
      return this;
    }

    /**
     * Validates and builds the request.
     *
     * @throws IllegalArgumentException naming the field that is missing or out of range
     */
    public GenerationRequest build() {
      RequestText.checkInput(model, prompt, messages);
      Sampling sampling = new Sampling(temperature, topP, maxOutputTokens, seed, n, stop);
      GenerationRequest request =
          new GenerationRequest(this, sampling, new Attribution(userId, tenantId, metadata));
      RequestText.check(request);
      RequestText.checkParent(parentId);
      return request;
    }
  }
}
