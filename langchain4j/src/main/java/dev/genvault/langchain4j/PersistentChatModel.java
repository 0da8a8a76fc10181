package dev.genvault.langchain4j;

import dev.genvault.Attribution;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelCall;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A LangChain4j {@link ChatModel} whose every call is a Genvault generation: its ID made and its
 * row stored before the wrapped model is called, its answer, usage and cost stored after, and an
 * identical request served from Genvault's dedup cache without calling the model.
 *
 * <pre>{@code
 * ChatModel model = PersistentChatModel.wrap(openAiChatModel, genvault);
 * }</pre>
 *
 * <p>Everything that calls the model goes through Genvault, AI Services included. The response's
 * metadata is a {@link GenvaultChatResponseMetadata}: the generation's ID and URL, its cost, and
 * the wrapped model's own metadata. A failure of the wrapped model is recorded (status {@code
 * error}, with the reason and its kind: rate limit, timeout, ...) and reaches the caller as the
 * model threw it; a failure of Genvault's own (a budget, the store) is Genvault's exception.
 *
 * <p>How a message is recorded: see {@code Mapping}'s rules in the module README. The usage
 * recorded is LangChain4j's {@code TokenUsage}: input and output tokens. Thread safe.
 */
public final class PersistentChatModel implements ChatModel {
  private final ChatModel model;
  private final PersistentGenerator genvault;
  private final @Nullable String modelName;
  private final Supplier<Attribution> attribution;

  private PersistentChatModel(Builder b) {
    this.model = Objects.requireNonNull(b.model, "model");
    this.genvault = Objects.requireNonNull(b.genvault, "genvault");
    this.modelName = b.modelName;
    this.attribution = b.attribution;
  }

  /** {@code model}, every call persisted by {@code genvault}. */
  public static PersistentChatModel wrap(ChatModel model, PersistentGenerator genvault) {
    return builder(model, genvault).build();
  }

  /** {@code model}, every call persisted by {@code genvault}. */
  public static PersistentStreamingChatModel wrap(
      StreamingChatModel model, PersistentGenerator genvault) {
    return PersistentStreamingChatModel.builder(model, genvault).build();
  }

  /** A builder for the settings beyond the defaults (who calls, a model name). */
  public static Builder builder(ChatModel model, PersistentGenerator genvault) {
    return new Builder(model, genvault);
  }

  /** The wrapped model. */
  public ChatModel delegate() {
    return model;
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    return chat(request, null);
  }

  @Override
  public ChatResponse chat(ChatRequest request, @Nullable ChatRequestOptions options) {
    GenerationRequest recorded =
        Mapping.request(request, model.defaultRequestParameters(), modelName, attribution.get());
    Call call = new Call(request, options);
    Generation g;
    try {
      g = genvault.generate(recorded, call);
    } catch (RuntimeException e) {
      throw Failures.forCaller(e, call.failure);
    }
    ChatResponse answered = call.response;
    return Mapping.response(g, genvault.url(g), answered);
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return model.defaultRequestParameters();
  }

  @Override
  public ModelProvider provider() {
    return model.provider();
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return model.supportedCapabilities();
  }

  @Override
  public String toString() {
    return "PersistentChatModel(" + model + ")";
  }

  /** One call of the wrapped model, as the generator runs it. */
  private final class Call implements ModelClient {
    private final ChatRequest request;
    private final @Nullable ChatRequestOptions options;
    volatile @Nullable ChatResponse response;
    volatile @Nullable Throwable failure;

    Call(ChatRequest request, @Nullable ChatRequestOptions options) {
      this.request = request;
      this.options = options;
    }

    @Override
    public ModelResult generate(ModelCall call) {
      ChatResponse r;
      try {
        r = options == null ? model.chat(request) : model.chat(request, options);
      } catch (RuntimeException e) {
        failure = e;
        throw Failures.classified(e);
      }
      response = r;
      return Mapping.result(r);
    }

    @Override
    public String provider() {
      return Providers.name(model.provider());
    }
  }

  /** Settings of a {@link PersistentChatModel}. */
  public static final class Builder {
    private final ChatModel model;
    private final PersistentGenerator genvault;
    private @Nullable String modelName;
    private Supplier<Attribution> attribution = () -> Attribution.NONE;

    private Builder(ChatModel model, PersistentGenerator genvault) {
      this.model = Objects.requireNonNull(model, "model");
      this.genvault = Objects.requireNonNull(genvault, "genvault");
    }

    /**
     * The model name to record where neither the request nor the wrapped model's default parameters
     * name one (a custom {@code ChatModel}).
     */
    public Builder modelName(@Nullable String modelName) {
      this.modelName = modelName;
      return this;
    }

    /**
     * Who makes each call (user, tenant, metadata), asked at every call: for example from the
     * current web request. Budgets, history and erasure go by it. The default is nobody.
     */
    public Builder attribution(Supplier<Attribution> attribution) {
      this.attribution = Objects.requireNonNull(attribution, "attribution");
      return this;
    }

    /** The model. */
    public PersistentChatModel build() {
      return new PersistentChatModel(this);
    }
  }
}
