package dev.genvault.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The metadata of a response from a {@link PersistentChatModel} or {@link
 * PersistentStreamingChatModel}: LangChain4j's own fields, and the Genvault generation that
 * recorded the call: its ID, its URL, the generation it was copied from on a dedup hit, its cost,
 * and the wrapped model's own metadata. Immutable.
 *
 * <pre>{@code
 * ChatResponse response = model.chat(request);
 * String id = GenvaultChatResponseMetadata.of(response).orElseThrow().generationId();
 * }</pre>
 */
public final class GenvaultChatResponseMetadata extends ChatResponseMetadata {
  private final String generationId;
  private final String url;
  private final @Nullable String cachedFrom;
  private final @Nullable BigDecimal costUsd;
  private final @Nullable ChatResponseMetadata providerMetadata;

  private GenvaultChatResponseMetadata(Builder b) {
    super(b);
    this.generationId = Objects.requireNonNull(b.generationId, "generationId");
    this.url = Objects.requireNonNull(b.url, "url");
    this.cachedFrom = b.cachedFrom;
    this.costUsd = b.costUsd;
    this.providerMetadata = b.providerMetadata;
  }

  /** A response's Genvault metadata, if a persistent model made it. */
  public static Optional<GenvaultChatResponseMetadata> of(ChatResponse response) {
    return response.metadata() instanceof GenvaultChatResponseMetadata m
        ? Optional.of(m)
        : Optional.empty();
  }

  /** The generation's ID, made before the call. */
  public String generationId() {
    return generationId;
  }

  /** The generation's URL ({@code PersistentGenerator.url}). */
  public String url() {
    return url;
  }

  /** On a dedup hit, the generation this answer was copied from (the model was not called). */
  public @Nullable String cachedFrom() {
    return cachedFrom;
  }

  /** The generation's estimated cost in US dollars, or null where its model has no price. */
  public @Nullable BigDecimal costUsd() {
    return costUsd;
  }

  /**
   * The wrapped model's own metadata (for example OpenAI's, with its system fingerprint), or null
   * on a dedup hit, where the model was not called.
   */
  public @Nullable ChatResponseMetadata providerMetadata() {
    return providerMetadata;
  }

  @Override
  public Builder toBuilder() {
    Builder b =
        builder()
            .generationId(generationId)
            .url(url)
            .cachedFrom(cachedFrom)
            .costUsd(costUsd)
            .providerMetadata(providerMetadata);
    return (Builder) toBuilder(b);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof GenvaultChatResponseMetadata m
        && super.equals(o)
        && generationId.equals(m.generationId)
        && url.equals(m.url)
        && Objects.equals(cachedFrom, m.cachedFrom)
        && Objects.equals(costUsd, m.costUsd)
        && Objects.equals(providerMetadata, m.providerMetadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), generationId, url, cachedFrom, costUsd);
  }

  @Override
  public String toString() {
    return "GenvaultChatResponseMetadata{generationId="
        + generationId
        + ", url="
        + url
        + ", cachedFrom="
        + cachedFrom
        + ", costUsd="
        + costUsd
        + ", "
        + super.toString()
        + "}";
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link GenvaultChatResponseMetadata}; the generation ID and URL are required. */
  public static final class Builder extends ChatResponseMetadata.Builder<Builder> {
    private @Nullable String generationId;
    private @Nullable String url;
    private @Nullable String cachedFrom;
    private @Nullable BigDecimal costUsd;
    private @Nullable ChatResponseMetadata providerMetadata;

    private Builder() {}

    /** The generation's ID. */
    public Builder generationId(String generationId) {
      this.generationId = generationId;
      return this;
    }

    /** The generation's URL. */
    public Builder url(String url) {
      this.url = url;
      return this;
    }

    /** The generation a dedup hit was copied from. */
    public Builder cachedFrom(@Nullable String cachedFrom) {
      this.cachedFrom = cachedFrom;
      return this;
    }

    /** The estimated cost in US dollars. */
    public Builder costUsd(@Nullable BigDecimal costUsd) {
      this.costUsd = costUsd;
      return this;
    }

    /** The wrapped model's own metadata. */
    public Builder providerMetadata(@Nullable ChatResponseMetadata providerMetadata) {
      this.providerMetadata = providerMetadata;
      return this;
    }

    @Override
    public GenvaultChatResponseMetadata build() {
      return new GenvaultChatResponseMetadata(this);
    }
  }
}
