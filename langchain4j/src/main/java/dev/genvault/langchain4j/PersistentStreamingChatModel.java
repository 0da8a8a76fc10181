package dev.genvault.langchain4j;

import dev.genvault.Attribution;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStream;
import dev.genvault.GenvaultException;
import dev.genvault.ModelCall;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.ProviderException;
import dev.genvault.internal.DaemonThreads;
import dev.genvault.internal.IdleWait;
import dev.genvault.internal.StreamPump;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A LangChain4j {@link StreamingChatModel} whose every call is a Genvault generation, streamed into
 * the store as it arrives: the row is stored before the wrapped model is called, the text is
 * checkpointed while it streams, and the answer, usage and cost are stored at the end. An identical
 * request is served from Genvault's dedup cache without calling the model.
 *
 * <pre>{@code
 * StreamingChatModel model = PersistentChatModel.wrap(openAiStreamingChatModel, genvault);
 * }</pre>
 *
 * <p>The handler gets the text as Genvault delivers it, on a thread of the model's executor, then
 * {@code onCompleteResponse} once the record is stored, with a {@link
 * GenvaultChatResponseMetadata}. Every failure goes to {@code onError}, also a bad request or a
 * budget refusal (the model is then not called); a failure of the wrapped model arrives as the
 * model reported it, and its generation is recorded as {@code error} with the text received. A
 * handler that cancels through {@code PartialResponseContext.streamingHandle()} closes the
 * generation's stream: by default the generation still finishes and is stored ({@code
 * PersistentGenerator.Builder.streamClosePolicy}). Thread safe.
 */
public final class PersistentStreamingChatModel implements StreamingChatModel {
  /** The default executor: daemon threads, made when needed and kept for a minute when idle. */
  private static final ExecutorService DEFAULT_EXECUTOR =
      DaemonThreads.cachedPool("genvault-langchain4j");

  /** How long a stream may send nothing, by default: ten minutes. */
  public static final java.time.Duration DEFAULT_IDLE_TIMEOUT = java.time.Duration.ofMinutes(10);

  private final StreamingChatModel model;
  private final PersistentGenerator genvault;
  private final @Nullable String modelName;
  private final Supplier<Attribution> attribution;
  private final Executor executor;
  private final boolean requireFinishReason;
  private final java.time.Duration idleTimeout;

  private PersistentStreamingChatModel(Builder b) {
    this.model = b.model;
    this.genvault = b.genvault;
    this.modelName = b.modelName;
    this.attribution = b.attribution;
    this.executor = b.executor;
    this.requireFinishReason = b.requireFinishReason;
    this.idleTimeout = b.idleTimeout;
  }

  /** {@code model}, every call persisted by {@code genvault}. */
  public static PersistentStreamingChatModel wrap(
      StreamingChatModel model, PersistentGenerator genvault) {
    return builder(model, genvault).build();
  }

  /** A builder for the settings beyond the defaults (who calls, a model name, an executor). */
  public static Builder builder(StreamingChatModel model, PersistentGenerator genvault) {
    return new Builder(model, genvault);
  }

  /** The wrapped model. */
  public StreamingChatModel delegate() {
    return model;
  }

  @Override
  public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
    chat(request, null, handler);
  }

  @Override
  public void chat(
      ChatRequest request,
      @Nullable ChatRequestOptions options,
      StreamingChatResponseHandler handler) {
    Objects.requireNonNull(handler, "handler");
    Call call = new Call(request, options);
    GenerationStream stream;
    try {
      GenerationRequest recorded =
          Mapping.request(request, model.defaultRequestParameters(), modelName, attribution.get());
      stream = genvault.stream(recorded, call);
    } catch (RuntimeException e) {
      handler.onError(e);
      return;
    }
    try {
      executor.execute(() -> deliver(stream, call, handler));
    } catch (RuntimeException e) {
      stream.close();
      handler.onError(e);
    }
  }

  /** Hands the generation's text to the handler, then its stored record or its failure. */
  private void deliver(GenerationStream stream, Call call, StreamingChatResponseHandler handler) {
    StreamPump pump = new StreamPump(stream);
    PartialResponseContext context = new PartialResponseContext(new UserHandle(pump));
    pump.run(
        new StreamPump.Sink() {
          @Override
          public void piece(String text) {
            handler.onPartialResponse(new PartialResponse(text), context);
          }

          @Override
          public void end(Generation g) {
            ChatResponse answered = call.response;
            handler.onCompleteResponse(Mapping.response(g, genvault.url(g), answered));
          }

          @Override
          public void fail(RuntimeException e) {
            Throwable failure = call.failure;
            handler.onError(
                e instanceof GenerationFailedException && failure != null
                    ? failure
                    : Failures.forCaller(e, failure));
          }
        });
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
    return "PersistentStreamingChatModel(" + model + ")";
  }

  /** The handle the caller's handler cancels with: it stops the generation's pump. */
  private static final class UserHandle implements StreamingHandle {
    private final StreamPump pump;

    UserHandle(StreamPump pump) {
      this.pump = pump;
    }

    @Override
    public void cancel() {
      pump.cancel();
    }

    @Override
    public boolean isCancelled() {
      return pump.isCancelled();
    }
  }

  /** One streamed call of the wrapped model, as the generator runs it (on its own thread). */
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
    public ModelResult generate(ModelCall call) throws InterruptedException {
      CompletableFuture<ChatResponse> done = new CompletableFuture<>();
      IdleWait idle = new IdleWait(idleTimeout);
      AtomicReference<StreamingHandle> modelHandle = new AtomicReference<>();
      call.onCancel(
          () -> {
            done.cancel(false);
            StreamingHandle h = modelHandle.get();
            if (h != null) {
              h.cancel();
            }
          });
      StreamingChatResponseHandler inner =
          new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
              emit(partialResponse, null);
            }

            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
              emit(partial.text(), context.streamingHandle());
            }

            @Override
            public void onPartialThinking(PartialThinking thinking) {
              idle.touch(); // a reasoning model thinks aloud before it answers
            }

            private void emit(String text, @Nullable StreamingHandle handle) {
              idle.touch();
              if (handle != null) {
                modelHandle.set(handle);
              }
              try {
                call.emit(text);
              } catch (RuntimeException e) {
                if (handle != null) {
                  handle.cancel();
                }
                done.completeExceptionally(e);
              }
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
              done.complete(completeResponse);
            }

            @Override
            public void onError(Throwable error) {
              done.completeExceptionally(error);
            }
          };
      try {
        if (options == null) {
          model.chat(request, inner);
        } else {
          model.chat(request, options, inner);
        }
      } catch (RuntimeException e) {
        failure = e;
        throw Failures.classified(e);
      }
      ChatResponse r;
      try {
        r =
            idle.await(
                done,
                () -> {
                  StreamingHandle h = modelHandle.get();
                  if (h != null) {
                    h.cancel();
                  }
                });
      } catch (CancellationException e) {
        throw new ProviderException(ErrorType.CANCELLED, "the generation was cancelled");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof GenvaultException g) {
          throw g;
        }
        failure = cause;
        throw Failures.classified(cause);
      } catch (InterruptedException e) {
        StreamingHandle h = modelHandle.get();
        if (h != null) {
          h.cancel();
        }
        throw e;
      }
      response = r;
      if (requireFinishReason
          && r.finishReason() == null
          && !r.aiMessage().hasToolExecutionRequests()) {
        // LangChain4j's streaming clients complete a stream whose connection ended early as if it
        // were whole; without a finish reason it is recorded as cut short.
        throw new ProviderException(
            ErrorType.STREAM_INCOMPLETE, "the stream ended without a finish reason", true, null);
      }
      return Mapping.result(r);
    }

    @Override
    public String provider() {
      return Providers.name(model.provider());
    }
  }

  /** Settings of a {@link PersistentStreamingChatModel}. */
  public static final class Builder {
    private final StreamingChatModel model;
    private final PersistentGenerator genvault;
    private @Nullable String modelName;
    private Supplier<Attribution> attribution = () -> Attribution.NONE;
    private Executor executor = DEFAULT_EXECUTOR;
    private boolean requireFinishReason = true;
    private java.time.Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

    private Builder(StreamingChatModel model, PersistentGenerator genvault) {
      this.model = Objects.requireNonNull(model, "model");
      this.genvault = Objects.requireNonNull(genvault, "genvault");
    }

    /**
     * The model name to record where neither the request nor the wrapped model's default parameters
     * name one.
     */
    public Builder modelName(@Nullable String modelName) {
      this.modelName = modelName;
      return this;
    }

    /** Who makes each call, asked at every call. The default is nobody. */
    public Builder attribution(Supplier<Attribution> attribution) {
      this.attribution = Objects.requireNonNull(attribution, "attribution");
      return this;
    }

    /**
     * Where handlers are called, one task per call for the whole stream. The default is a shared
     * pool of daemon threads.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Whether a stream that ends without a finish reason (and without tool calls) is recorded as
     * {@code stream_incomplete}, its text kept, and reported to {@code onError}. On by default:
     * LangChain4j's streaming clients complete a stream whose connection ended early as if it were
     * whole. Turn it off for a model that never reports a finish reason when streaming.
     */
    public Builder requireFinishReason(boolean requireFinishReason) {
      this.requireFinishReason = requireFinishReason;
      return this;
    }

    /**
     * How long a stream may send nothing (no text, no thinking) before its generation ends as
     * {@code timeout} and the model's stream is cancelled; {@link #DEFAULT_IDLE_TIMEOUT} by
     * default. A framework's stream may have no read timeout of its own, and would otherwise leave
     * the generation running for as long as the connection stays open.
     */
    public Builder idleTimeout(java.time.Duration idleTimeout) {
      new IdleWait(idleTimeout); // checks it
      this.idleTimeout = idleTimeout;
      return this;
    }

    /** The model. */
    public PersistentStreamingChatModel build() {
      return new PersistentStreamingChatModel(this);
    }
  }
}
