package dev.genvault;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One generation, as stored: its ID (made before the provider was called), the request, the result,
 * usage, cost, status and timestamps.
 *
 * <p>The kind, user, tenant, requested model and metadata are those of {@link #request()}.
 * Immutable and thread safe; {@link #toBuilder()} derives a changed copy.
 */
public final class Generation {
  private final String id;
  private final GenerationRequest request;
  private final @Nullable String provider;
  private final @Nullable String providerModel;
  private final @Nullable String providerResponseId;
  private final String text;
  private final @Nullable String finishReason;
  private final List<BlobRef> blobs;
  private final @Nullable String toolCalls;
  private final Map<String, String> attributes;
  private final @Nullable Usage usage;
  private final @Nullable Cost cost;
  private final GenerationStatus status;
  private final @Nullable ErrorType errorType;
  private final @Nullable String errorMessage;
  private final @Nullable String cachedFrom;
  private final @Nullable BigDecimal savedCost;
  private final @Nullable String fingerprint;
  private final Instant createdAt;
  private final @Nullable Instant firstTokenAt;
  private final @Nullable Instant completedAt;
  private final Instant updatedAt;
  private final @Nullable Instant heartbeatAt;
  private final @Nullable ThreadLink link;

  private Generation(Builder b) {
    this.id = requireNonNull(b.id, "id");
    this.request = requireNonNull(b.request, "request");
    this.provider = b.provider;
    this.providerModel = b.providerModel;
    this.providerResponseId = b.providerResponseId;
    this.text = b.text;
    this.finishReason = b.finishReason;
    this.blobs = List.copyOf(b.blobs);
    this.toolCalls = b.toolCalls;
    this.attributes = Map.copyOf(b.attributes);
    this.usage = b.usage;
    this.cost = b.cost;
    this.status = b.status;
    this.errorType = b.errorType;
    this.errorMessage = b.errorMessage;
    this.cachedFrom = b.cachedFrom;
    this.savedCost = b.savedCost;
    this.fingerprint = b.fingerprint;
    this.createdAt = requireNonNull(b.createdAt, "createdAt");
    this.firstTokenAt = b.firstTokenAt;
    this.completedAt = b.completedAt;
    this.updatedAt = b.updatedAt == null ? createdAt : b.updatedAt;
    this.heartbeatAt = b.heartbeatAt;
    this.link = b.link;
    if (link != null) {
      checkLink(link);
    }
    if (status == GenerationStatus.ERROR && errorType == null) {
      throw new IllegalArgumentException("an error generation needs an errorType");
    }
    if (status != GenerationStatus.ERROR && errorType != null) {
      throw new IllegalArgumentException("errorType is only for error generations");
    }
  }

  private void checkLink(ThreadLink link) {
    if (link.parentId() == null && link.threadId().equals(id)) {
      throw new IllegalArgumentException("a generation that began its thread has no link");
    }
    if (request.kind() != GenerationKind.TEXT
        || link.inheritedMessages() > request.messages().size()
        || id.equals(link.parentId())) {
      throw new IllegalArgumentException(
          "a continuation is a text generation with at least as many messages as it inherits ("
              + link.inheritedMessages()
              + "), and not its own parent");
    }
  }

  private static <T> T requireNonNull(@Nullable T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }

  /** A new builder; {@code id}, {@code request} and {@code createdAt} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every field of this generation. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.request = request;
    b.provider = provider;
    b.providerModel = providerModel;
    b.providerResponseId = providerResponseId;
    b.text = text;
    b.finishReason = finishReason;
    b.blobs.addAll(blobs);
    b.toolCalls = toolCalls;
    b.attributes.putAll(attributes);
    b.usage = usage;
    b.cost = cost;
    b.status = status;
    b.errorType = errorType;
    b.errorMessage = errorMessage;
    b.cachedFrom = cachedFrom;
    b.savedCost = savedCost;
    b.fingerprint = fingerprint;
    b.createdAt = createdAt;
    b.firstTokenAt = firstTokenAt;
    b.completedAt = completedAt;
    b.updatedAt = updatedAt;
    b.heartbeatAt = heartbeatAt;
    b.link = link;
    return b;
  }

  /** The generation's ID: 21 URL-safe characters by default, made before the provider call. */
  public String id() {
    return id;
  }

  /** The request, without secrets. */
  public GenerationRequest request() {
    return request;
  }

  /** What was generated; the request's kind. */
  public GenerationKind kind() {
    return request.kind();
  }

  /** The model as requested. */
  public String model() {
    return request.model();
  }

  /** The user the generation is for, or null. */
  public @Nullable String userId() {
    return request.userId();
  }

  /** The user's tenant, or null. */
  public @Nullable String tenantId() {
    return request.tenantId();
  }

  /** The request's metadata. */
  public Map<String, String> metadata() {
    return request.metadata();
  }

  /** Who served it, e.g. {@code openai}; null until known. */
  public @Nullable String provider() {
    return provider;
  }

  /** The model the provider reports having used, e.g. {@code gpt-4o-mini-2024-07-18}. */
  public @Nullable String providerModel() {
    return providerModel;
  }

  /** The provider's own response ID (not unique, not the key). */
  public @Nullable String providerResponseId() {
    return providerResponseId;
  }

  /** The text so far (live) or the final text (terminal); empty when there is none. */
  public String text() {
    return text;
  }

  /** Why the provider stopped, as it said it, e.g. {@code stop} or {@code length}. */
  public @Nullable String finishReason() {
    return finishReason;
  }

  /** Stored files in order: image 0, image 1, ... */
  public List<BlobRef> blobs() {
    return blobs;
  }

  /** The tool calls the model made, as a JSON array, or null. */
  public @Nullable String toolCalls() {
    return toolCalls;
  }

  /** Facts the provider reported about the result, e.g. the billed image size and quality. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** Token usage; null when the provider reported none. */
  public @Nullable Usage usage() {
    return usage;
  }

  /** Exact cost; null when unknown (no usage, or no price for the model). */
  public @Nullable Cost cost() {
    return cost;
  }

  /** Where the generation is in its life. */
  public GenerationStatus status() {
    return status;
  }

  /** Why it failed; null unless {@link #status()} is {@link GenerationStatus#ERROR}. */
  public @Nullable ErrorType errorType() {
    return errorType;
  }

  /** What went wrong, in words; null unless failed. */
  public @Nullable String errorMessage() {
    return errorMessage;
  }

  /** The original generation's ID when this one was served from the dedup cache. */
  public @Nullable String cachedFrom() {
    return cachedFrom;
  }

  /** What the original cost, when served from the dedup cache; otherwise null. */
  public @Nullable BigDecimal savedCost() {
    return savedCost;
  }

  /**
   * The request's dedup fingerprint (32 hex digits: SHA-256 cut to 128 bits; 64 digits in records
   * written by earlier versions), or null.
   */
  public @Nullable String fingerprint() {
    return fingerprint;
  }

  /** When the ID was made and the row inserted. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When the first token arrived, or null. */
  public @Nullable Instant firstTokenAt() {
    return firstTokenAt;
  }

  /** When the generation became terminal, or null while live. */
  public @Nullable Instant completedAt() {
    return completedAt;
  }

  /** When the row last changed. */
  public Instant updatedAt() {
    return updatedAt;
  }

  /** The last sign of life of the process working on it, while live; null when terminal. */
  public @Nullable Instant heartbeatAt() {
    return heartbeatAt;
  }

  /**
   * The generation this chat generation continues: its request's first {@link #inheritedMessages()}
   * messages are that generation's conversation and answer. Null for the first generation of a
   * thread, for any generation that continues nothing, and for a turn whose parent was deleted (it
   * then holds its whole request).
   */
  public @Nullable String parentId() {
    return link == null ? null : link.parentId();
  }

  /**
   * The ID of this one's thread: the ID of the generation that began the conversation (its own ID
   * when it continues nothing). A thread keeps its ID when that generation is deleted.
   */
  public String threadId() {
    return link == null ? id : link.threadId();
  }

  /** How many leading messages of the request come from {@link #parentId()}; 0 without one. */
  public int inheritedMessages() {
    return link == null ? 0 : link.inheritedMessages();
  }

  /** The link to the parent and the thread, or null when this generation began its thread. */
  public @Nullable ThreadLink link() {
    return link;
  }

  /**
   * True when the generation is {@link GenerationStatus#COMPLETE} or {@link
   * GenerationStatus#ERROR}.
   */
  public boolean isTerminal() {
    return status.isTerminal();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Generation)) {
      return false;
    }
    Generation g = (Generation) o;
    return id.equals(g.id)
        && request.equals(g.request)
        && Objects.equals(provider, g.provider)
        && Objects.equals(providerModel, g.providerModel)
        && Objects.equals(providerResponseId, g.providerResponseId)
        && text.equals(g.text)
        && Objects.equals(finishReason, g.finishReason)
        && blobs.equals(g.blobs)
        && Objects.equals(toolCalls, g.toolCalls)
        && attributes.equals(g.attributes)
        && Objects.equals(usage, g.usage)
        && Objects.equals(cost, g.cost)
        && status == g.status
        && errorType == g.errorType
        && Objects.equals(errorMessage, g.errorMessage)
        && Objects.equals(cachedFrom, g.cachedFrom)
        && Objects.equals(savedCost, g.savedCost)
        && Objects.equals(fingerprint, g.fingerprint)
        && createdAt.equals(g.createdAt)
        && Objects.equals(firstTokenAt, g.firstTokenAt)
        && Objects.equals(completedAt, g.completedAt)
        && updatedAt.equals(g.updatedAt)
        && Objects.equals(heartbeatAt, g.heartbeatAt)
        && Objects.equals(link, g.link);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, status, updatedAt);
  }

  @Override
  public String toString() {
    return "Generation{id="
        + id
        + ", status="
        + status.wireName()
        + (errorType == null ? "" : ", errorType=" + errorType.wireName())
        + ", model="
        + request.model()
        + ", textChars="
        + text.length()
        + (cost == null ? "" : ", costUsd=" + cost.usd().toPlainString())
        + (cachedFrom == null ? "" : ", cachedFrom=" + cachedFrom)
        + '}';
  }

  /** Builds a {@link Generation}. */
  public static final class Builder {
    private @Nullable String id;
    private @Nullable GenerationRequest request;
    private @Nullable String provider;
    private @Nullable String providerModel;
    private @Nullable String providerResponseId;
    private String text = "";
    private @Nullable String finishReason;
    private final List<BlobRef> blobs = new ArrayList<>();
    private @Nullable String toolCalls;
    private final Map<String, String> attributes = new java.util.TreeMap<>();
    private @Nullable Usage usage;
    private @Nullable Cost cost;
    private GenerationStatus status = GenerationStatus.PENDING;
    private @Nullable ErrorType errorType;
    private @Nullable String errorMessage;
    private @Nullable String cachedFrom;
    private @Nullable BigDecimal savedCost;
    private @Nullable String fingerprint;
    private @Nullable Instant createdAt;
    private @Nullable Instant firstTokenAt;
    private @Nullable Instant completedAt;
    private @Nullable Instant updatedAt;
    private @Nullable Instant heartbeatAt;
    private @Nullable ThreadLink link;

    private Builder() {}

    /** Sets {@link Generation#id()}. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Sets {@link Generation#request()}. */
    public Builder request(GenerationRequest request) {
      this.request = request;
      return this;
    }

    /** Sets {@link Generation#provider()}. */
    public Builder provider(@Nullable String provider) {
      this.provider = provider;
      return this;
    }

    /** Sets {@link Generation#providerModel()}. */
    public Builder providerModel(@Nullable String providerModel) {
      this.providerModel = providerModel;
      return this;
    }

    /** Sets {@link Generation#providerResponseId()}. */
    public Builder providerResponseId(@Nullable String providerResponseId) {
      this.providerResponseId = providerResponseId;
      return this;
    }

    /** Sets {@link Generation#text()}; null means empty. */
    public Builder text(@Nullable String text) {
      this.text = text == null ? "" : text;
      return this;
    }

    /** Sets {@link Generation#finishReason()}. */
    public Builder finishReason(@Nullable String finishReason) {
      this.finishReason = finishReason;
      return this;
    }

    /** Replaces {@link Generation#blobs()}. */
    public Builder blobs(List<BlobRef> blobs) {
      this.blobs.clear();
      this.blobs.addAll(blobs);
      return this;
    }

    /** Sets {@link Generation#toolCalls()}: a JSON array. */
    public Builder toolCalls(@Nullable String toolCalls) {
      this.toolCalls = toolCalls;
      return this;
    }

    /** Replaces {@link Generation#attributes()}. */
    public Builder attributes(Map<String, String> attributes) {
      this.attributes.clear();
      this.attributes.putAll(attributes);
      return this;
    }

    /** Sets {@link Generation#usage()}. */
    public Builder usage(@Nullable Usage usage) {
      this.usage = usage;
      return this;
    }

    /** Sets {@link Generation#cost()}. */
    public Builder cost(@Nullable Cost cost) {
      this.cost = cost;
      return this;
    }

    /** Sets {@link Generation#status()}; {@link GenerationStatus#PENDING} by default. */
    public Builder status(GenerationStatus status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    /** Sets the status to {@link GenerationStatus#ERROR} with a type and message. */
    public Builder error(ErrorType type, @Nullable String message) {
      this.status = GenerationStatus.ERROR;
      this.errorType = Objects.requireNonNull(type, "type");
      this.errorMessage = message;
      return this;
    }

    /** Sets {@link Generation#cachedFrom()}. */
    public Builder cachedFrom(@Nullable String cachedFrom) {
      this.cachedFrom = cachedFrom;
      return this;
    }

    /** Sets {@link Generation#savedCost()}. */
    public Builder savedCost(@Nullable BigDecimal savedCost) {
      this.savedCost = savedCost;
      return this;
    }

    /** Sets {@link Generation#fingerprint()}. */
    public Builder fingerprint(@Nullable String fingerprint) {
      this.fingerprint = fingerprint;
      return this;
    }

    /** Sets {@link Generation#createdAt()}. */
    public Builder createdAt(Instant createdAt) {
      this.createdAt = createdAt;
      return this;
    }

    /** Sets {@link Generation#firstTokenAt()}. */
    public Builder firstTokenAt(@Nullable Instant firstTokenAt) {
      this.firstTokenAt = firstTokenAt;
      return this;
    }

    /** Sets {@link Generation#completedAt()}. */
    public Builder completedAt(@Nullable Instant completedAt) {
      this.completedAt = completedAt;
      return this;
    }

    /** Sets {@link Generation#updatedAt()}; defaults to {@code createdAt}. */
    public Builder updatedAt(@Nullable Instant updatedAt) {
      this.updatedAt = updatedAt;
      return this;
    }

    /** Sets {@link Generation#heartbeatAt()}. */
    public Builder heartbeatAt(@Nullable Instant heartbeatAt) {
      this.heartbeatAt = heartbeatAt;
      return this;
    }

    /** Sets {@link Generation#link()}: null for a generation that continues nothing. */
    public Builder link(@Nullable ThreadLink link) {
      this.link = link;
      return this;
    }

    /**
     * The generation.
     *
     * @throws IllegalArgumentException if a required field is missing or the error fields do not
     *     match the status
     */
    public Generation build() {
      return new Generation(this);
    }
  }
}
