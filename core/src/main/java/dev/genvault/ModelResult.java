package dev.genvault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link ModelClient} returns at the end of a generation. Immutable.
 *
 * <p>{@link #text()} is used only when the client emitted no text through {@link ModelCall#emit};
 * files in {@link #blobs()} are stored after those already stored through {@link
 * ModelCall#storeBlob}.
 */
public final class ModelResult {
  private final @Nullable String text;
  private final @Nullable String finishReason;
  private final @Nullable Usage usage;
  private final @Nullable String providerModel;
  private final @Nullable String providerResponseId;
  private final List<GeneratedBlob> files;
  private final @Nullable String toolCalls;
  private final Map<String, String> attributes;

  /**
   * A generated file returned whole.
   *
   * @param contentType its MIME type
   * @param content its bytes
   */
  public record GeneratedBlob(String contentType, byte[] content) {
    /** Checks the fields. */
    public GeneratedBlob {
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(content, "content");
    }
  }

  private ModelResult(Builder b) {
    this.text = b.text;
    this.finishReason = b.finishReason;
    this.usage = b.usage;
    this.providerModel = b.providerModel;
    this.providerResponseId = b.providerResponseId;
    this.files = List.copyOf(b.files);
    this.toolCalls = b.toolCalls;
    this.attributes = Map.copyOf(b.attributes);
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A result with only text and the {@code stop} finish reason. */
  public static ModelResult text(String text) {
    return builder().text(text).finishReason("stop").build();
  }

  /** The whole text, for clients that do not emit; otherwise null. */
  public @Nullable String text() {
    return text;
  }

  /** Why the model stopped, as the provider said it. */
  public @Nullable String finishReason() {
    return finishReason;
  }

  /** The provider's usage report, or null if it sent none. */
  public @Nullable Usage usage() {
    return usage;
  }

  /** The model the provider says it used. */
  public @Nullable String providerModel() {
    return providerModel;
  }

  /** The provider's response ID. */
  public @Nullable String providerResponseId() {
    return providerResponseId;
  }

  /** Files returned whole. */
  public List<GeneratedBlob> blobs() {
    return files;
  }

  /** The tool calls the model made, as a JSON array, or null. */
  public @Nullable String toolCalls() {
    return toolCalls;
  }

  /** Facts the provider reported about the result, e.g. the billed image size and quality. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** Builds a {@link ModelResult}. */
  public static final class Builder {
    private @Nullable String text;
    private @Nullable String finishReason;
    private @Nullable Usage usage;
    private @Nullable String providerModel;
    private @Nullable String providerResponseId;
    private final List<GeneratedBlob> files = new ArrayList<>();
    private @Nullable String toolCalls;
    private final Map<String, String> attributes = new java.util.TreeMap<>();

    private Builder() {}

    /** Sets {@link ModelResult#toolCalls()}: a JSON array. */
    public Builder toolCalls(@Nullable String toolCallsJson) {
      this.toolCalls = toolCallsJson;
      return this;
    }

    /** Adds one of {@link ModelResult#attributes()}. */
    public Builder attribute(String name, String value) {
      attributes.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Sets {@link ModelResult#text()}. */
    public Builder text(@Nullable String text) {
      this.text = text;
      return this;
    }

    /** Sets {@link ModelResult#finishReason()}. */
    public Builder finishReason(@Nullable String finishReason) {
      this.finishReason = finishReason;
      return this;
    }

    /** Sets {@link ModelResult#usage()}. */
    public Builder usage(@Nullable Usage usage) {
      this.usage = usage;
      return this;
    }

    /** Sets {@link ModelResult#providerModel()}. */
    public Builder providerModel(@Nullable String providerModel) {
      this.providerModel = providerModel;
      return this;
    }

    /** Sets {@link ModelResult#providerResponseId()}. */
    public Builder providerResponseId(@Nullable String providerResponseId) {
      this.providerResponseId = providerResponseId;
      return this;
    }

    /** Adds a file returned whole. */
    public Builder blob(String contentType, byte[] content) {
      files.add(new GeneratedBlob(contentType, content));
      return this;
    }

    /** The result. */
    public ModelResult build() {
      return new ModelResult(this);
    }
  }
}
