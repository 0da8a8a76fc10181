package dev.genvault.springai;

import dev.genvault.Attribution;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Schedulers;

/**
 * A Spring AI {@link ChatModel} whose every call and stream is a Genvault generation: its ID made
 * and its row stored before the wrapped model is called, its text checkpointed while it streams,
 * its answer, usage and cost stored at the end, and an identical prompt served from Genvault's
 * dedup cache without calling the model. A {@code ChatClient} built on it goes through it too.
 *
 * <pre>{@code
 * ChatModel model = PersistentChatModel.wrap(openAiChatModel, genvault);
 * ChatClient chat = ChatClient.create(model);
 * }</pre>
 *
 * <p>Each response's metadata names the generation under the keys of {@link GenvaultMetadata} (each
 * streamed piece its ID; the last piece of a stream, with no text of its own, its URL, usage,
 * finish reason and cost), beside the wrapped model's own entries. A failure of the wrapped model
 * is recorded (status {@code error}, with its kind and the text received) and reaches the caller as
 * the model threw it; Genvault's own failures (a budget, the store) are Genvault's exceptions. A
 * stream without a finish reason is recorded as {@code stream_incomplete} and ends in an error.
 * Cancelling a stream's subscription closes the generation's stream: by default the generation
 * still finishes and is stored ({@code PersistentGenerator.Builder.streamClosePolicy}). Thread
 * safe.
 */
public final class PersistentChatModel implements ChatModel {
  /** The default executor: daemon threads, made when needed and kept for a minute when idle. */
  private static final ExecutorService DEFAULT_EXECUTOR =
      DaemonThreads.cachedPool("genvault-spring-ai");

  /** How long a stream may send nothing, by default: ten minutes. */
  public static final java.time.Duration DEFAULT_IDLE_TIMEOUT = java.time.Duration.ofMinutes(10);

  private final ChatModel model;
  private final PersistentGenerator genvault;
  private final @Nullable String modelName;
  private final Supplier<Attribution> attribution;
  private final Executor executor;
  private final boolean requireFinishReason;
  private final java.time.Duration idleTimeout;

  private PersistentChatModel(Builder b) {
    this.model = b.model;
    this.genvault = b.genvault;
    this.modelName = b.modelName;
    this.attribution = b.attribution;
    this.executor = b.executor;
    this.requireFinishReason = b.requireFinishReason;
    this.idleTimeout = b.idleTimeout;
  }

  /** {@code model}, every call and stream persisted by {@code genvault}. */
  public static PersistentChatModel wrap(ChatModel model, PersistentGenerator genvault) {
    return builder(model, genvault).build();
  }

  /** A builder for the settings beyond the defaults (who calls, a model name, an executor). */
  public static Builder builder(ChatModel model, PersistentGenerator genvault) {
    return new Builder(model, genvault);
  }

  /** The wrapped model. */
  public ChatModel delegate() {
    return model;
  }

  @Override
  public ChatOptions getDefaultOptions() {
    return model.getDefaultOptions();
  }

  @Override
  public ChatResponse call(Prompt prompt) {
    GenerationRequest recorded = record(prompt);
    Call call = new Call(prompt, false);
    Generation g;
    try {
      g = genvault.generate(recorded, call);
    } catch (RuntimeException e) {
      throw unchecked(Failures.forCaller(e, call.failure));
    }
    ChatResponse answered = call.response;
    // The model's own answer (its choices, their metadata) where it was called; else the record's.
    return answered != null
        ? Mapping.answered(answered, g, genvault.url(g))
        : Mapping.response(g, genvault.url(g), null, true);
  }

  @Override
  public Flux<ChatResponse> stream(Prompt prompt) {
    return Flux.<ChatResponse>create(
            sink -> {
              Call call = new Call(prompt, true);
              GenerationStream stream;
              try {
                stream = genvault.stream(record(prompt), call);
              } catch (RuntimeException e) {
                sink.error(e);
                return;
              }
              StreamPump pump = new StreamPump(stream);
              sink.onCancel(pump::cancel);
              try {
                executor.execute(() -> pump.run(new Pieces(pump.id(), call, sink)));
              } catch (RuntimeException e) {
                pump.cancel();
                sink.error(e);
              }
            })
        // Admission stores the pending row: never on a subscriber's event loop.
        .subscribeOn(Schedulers.boundedElastic());
  }

  private GenerationRequest record(Prompt prompt) {
    return Mapping.request(prompt, model.getDefaultOptions(), modelName, attribution.get());
  }

  private static RuntimeException unchecked(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new GenvaultException(String.valueOf(t.getMessage()), t);
  }

  @Override
  public String toString() {
    return "PersistentChatModel(" + model + ")";
  }

  /** A generation's text to a subscriber as Spring AI responses, then its last piece or failure. */
  private final class Pieces implements StreamPump.Sink {
    private final String id;
    private final Call call;
    private final FluxSink<ChatResponse> sink;

    Pieces(String id, Call call, FluxSink<ChatResponse> sink) {
      this.id = id;
      this.call = call;
      this.sink = sink;
    }

    @Override
    public void piece(String text) {
      sink.next(Mapping.piece(text, id));
    }

    @Override
    public void end(Generation g) {
      sink.next(Mapping.response(g, genvault.url(g), call.providerMetadata, false));
      sink.complete();
    }

    @Override
    public void fail(RuntimeException e) {
      sink.error(Failures.forCaller(e, call.failure));
    }
  }

  /** One call or stream of the wrapped model, as the generator runs it. */
  private final class Call implements ModelClient {
    private final Prompt prompt;
    private final boolean streamed;
    volatile @Nullable ChatResponseMetadata providerMetadata;
    volatile @Nullable ChatResponse response;
    volatile @Nullable Throwable failure;

    Call(Prompt prompt, boolean streamed) {
      this.prompt = prompt;
      this.streamed = streamed;
    }

    @Override
    public ModelResult generate(ModelCall call) throws InterruptedException {
      if (!streamed) {
        ChatResponse r;
        try {
          r = model.call(prompt);
        } catch (RuntimeException e) {
          failure = e;
          throw Failures.classified(e);
        }
        providerMetadata = r.getMetadata();
        response = r;
        return Mapping.result(r);
      }
      Totals pieces = new Totals();
      CompletableFuture<Void> done = new CompletableFuture<>();
      IdleWait idle = new IdleWait(idleTimeout);
      Disposable subscription;
      try {
        subscription =
            model.stream(prompt)
                .subscribe(
                    r -> {
                      idle.touch();
                      String text = pieces.add(r);
                      if (text != null) {
                        call.emit(text);
                      }
                    },
                    done::completeExceptionally,
                    () -> done.complete(null));
      } catch (RuntimeException e) {
        failure = e;
        throw Failures.classified(e);
      }
      call.onCancel(
          () -> {
            done.cancel(false);
            subscription.dispose();
          });
      try {
        idle.await(done, subscription::dispose);
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
        subscription.dispose();
        throw e;
      }
      providerMetadata = pieces.metadata;
      if (requireFinishReason && pieces.finishReason == null && pieces.toolCalls.isEmpty()) {
        throw new ProviderException(
            ErrorType.STREAM_INCOMPLETE, "the stream ended without a finish reason", true, null);
      }
      return pieces.result();
    }

    @Override
    public boolean deduplicates(GenerationRequest request) {
      return !Mapping.runsToolsItself(prompt.getOptions(), model.getDefaultOptions());
    }

    @Override
    public String provider() {
      return Providers.name(model);
    }
  }

  /** What the pieces of a stream add up to, beside their text (which is emitted as it comes). */
  private static final class Totals {
    @Nullable String finishReason;
    dev.genvault.@Nullable Usage usage;
    @Nullable String providerModel;
    @Nullable String providerResponseId;
    @Nullable ChatResponseMetadata metadata;
    final List<AssistantMessage.ToolCall> toolCalls = new ArrayList<>();

    /** Takes in one piece; returns its text, or null where it has none. */
    @Nullable String add(ChatResponse r) {
      ChatResponseMetadata m = r.getMetadata();
      if (m != null) {
        metadata = m;
        providerModel = first(providerModel, Mapping.blankToNull(m.getModel()));
        providerResponseId = first(providerResponseId, Mapping.blankToNull(m.getId()));
        dev.genvault.Usage u = Mapping.usage(m);
        usage = u != null ? u : usage;
      }
      org.springframework.ai.chat.model.Generation g = r.getResult();
      if (g == null) {
        return null;
      }
      String reason = Mapping.finishReason(g.getMetadata());
      finishReason = reason != null ? reason : finishReason;
      AssistantMessage out = g.getOutput();
      if (out == null) {
        return null;
      }
      if (out.hasToolCalls()) {
        toolCalls.addAll(out.getToolCalls());
      }
      String text = out.getText();
      return text == null || text.isEmpty() ? null : text;
    }

    private static @Nullable String first(@Nullable String kept, @Nullable String next) {
      return kept != null ? kept : next;
    }

    ModelResult result() {
      ModelResult.Builder b =
          ModelResult.builder()
              .finishReason(finishReason)
              .usage(usage)
              .providerModel(providerModel)
              .providerResponseId(providerResponseId);
      if (!toolCalls.isEmpty()) {
        b.toolCalls(Mapping.toolCallsJson(toolCalls));
      }
      return b.build();
    }
  }

  /** Settings of a {@link PersistentChatModel}. */
  public static final class Builder {
    private final ChatModel model;
    private final PersistentGenerator genvault;
    private @Nullable String modelName;
    private Supplier<Attribution> attribution = () -> Attribution.NONE;
    private Executor executor = DEFAULT_EXECUTOR;
    private boolean requireFinishReason = true;
    private java.time.Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

    private Builder(ChatModel model, PersistentGenerator genvault) {
      this.model = Objects.requireNonNull(model, "model");
      this.genvault = Objects.requireNonNull(genvault, "genvault");
    }

    /**
     * The model name to record where neither the prompt's options nor the wrapped model's default
     * options name one.
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

    /**
     * Where a stream's pieces are handed to its subscriber, one task per stream. The default is a
     * shared pool of daemon threads.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Whether a stream that ends without a finish reason (and without tool calls) is recorded as
     * {@code stream_incomplete} and ends the subscriber's stream with an error. On by default; turn
     * it off for a model that never reports a finish reason when streaming.
     */
    public Builder requireFinishReason(boolean requireFinishReason) {
      this.requireFinishReason = requireFinishReason;
      return this;
    }

    /**
     * How long a stream may send nothing before its generation ends as {@code timeout} and the
     * model's stream is cancelled; {@link #DEFAULT_IDLE_TIMEOUT} by default. Spring AI's streams
     * may have no read timeout of their own (WebClient on Reactor Netty has none by default).
     */
    public Builder idleTimeout(java.time.Duration idleTimeout) {
      new IdleWait(idleTimeout); // checks it
      this.idleTimeout = idleTimeout;
      return this;
    }

    /** The model. */
    public PersistentChatModel build() {
      return new PersistentChatModel(this);
    }
  }
}
