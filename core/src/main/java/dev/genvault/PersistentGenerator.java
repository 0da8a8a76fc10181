package dev.genvault;

import dev.genvault.cost.Pricing;
import dev.genvault.internal.DaemonThreads;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every generation a durable, addressable, priced record.
 *
 * <p>For each request it: validates it; fingerprints it; serves an identical earlier result from
 * the {@link DedupCache} as a new row of its own (or joins an identical request already in flight);
 * otherwise makes an ID, inserts a {@code pending} row (no row, no call), calls the {@link
 * ModelClient}, checkpoints streamed text in batched writes, stores files in the {@link BlobStore},
 * prices the usage and writes the terminal row. Any failure after the insert leaves the row in
 * {@code error} with the reason and the text that had arrived.
 *
 * <pre>{@code
 * try (PersistentGenerator genvault = PersistentGenerator.builder()
 *         .store(GenerationStore.inMemory())
 *         .blobs(BlobStore.filesystem(Path.of("blobs")))
 *         .build()) {
 *   Generation g = genvault.generate(GenerationRequest.prompt("gpt-4o-mini", "Write a haiku"), client);
 * }
 * }</pre>
 *
 * <p>Thread safe: one instance serves a whole application. {@link #close()} stops new work and
 * drains what is in flight.
 */
public final class PersistentGenerator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  private final GeneratorState state;
  private final GenerationUrls urls;
  private final Duration drainTimeout;
  private final StreamClosePolicy closePolicy;
  private final Admitter admitter;
  private final Runner runner;
  private final Deletions deletions;
  private final Sweeper sweeper;
  private final @Nullable ExecutorService ownedExecutor;
  private final @Nullable ScheduledExecutorService ownedScheduler;

  private PersistentGenerator(Builder b) {
    this.ownedExecutor = b.executor == null ? DaemonThreads.cachedPool("genvault-worker") : null;
    this.ownedScheduler =
        b.scheduler == null
            ? Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("genvault-sweeper"))
            : null;
    this.state = GeneratorState.of(b, b.executor == null ? ownedExecutor : b.executor);
    this.urls = b.urls;
    this.drainTimeout = b.drainTimeout;
    this.closePolicy = b.closePolicy;
    this.runner = new Runner(state);
    this.admitter = new Admitter(state, runner);
    this.deletions = new Deletions(state, b.drainTimeout);
    try {
      this.sweeper =
          new Sweeper(state, b.scheduler == null ? ownedScheduler : b.scheduler, b.sweepInterval);
    } catch (RuntimeException e) { // e.g. a scheduler of the caller's that was shut down
      Shutdown.stopThreads(state, null, ownedScheduler, ownedExecutor);
      throw e;
    }
  }

  /** A new builder; only {@link Builder#store} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Generates on the calling thread and returns the complete, stored record.
   *
   * @throws IllegalArgumentException if the request is over a limit or the client cannot send it
   *     (nothing stored, no call)
   * @throws PersistenceException if the pending row could not be inserted (the client was not
   *     called)
   * @throws GenerationFailedException if the generation failed; its row is {@code error}
   * @throws IllegalStateException if the generator is closed
   */
  public Generation generate(GenerationRequest request, ModelClient client) {
    Admission admission = admit(request, client);
    if (admission.hit != null) {
      return admission.hit;
    }
    Generation result = admission.run();
    if (result.status() == GenerationStatus.ERROR) {
      throw Outcomes.failure(result, admission.live.failure);
    }
    return result;
  }

  /**
   * Starts a generation in the background and returns its text as it arrives. The ID is known (and
   * the pending row stored) before this returns.
   *
   * @throws IllegalArgumentException if the request is over a limit or the client cannot send it
   *     (nothing stored, no call)
   * @throws PersistenceException if the pending row could not be inserted
   * @throws IllegalStateException if the generator is closed
   */
  public GenerationStream stream(GenerationRequest request, ModelClient client) {
    Admission admission = admit(request, client);
    if (admission.hit != null) {
      GenerationStream done = new GenerationStream(admission.hit.id());
      done.delta(admission.hit.text());
      done.finish(admission.hit);
      return done;
    }
    LiveGeneration live = admission.live;
    GenerationStream stream = new GenerationStream(live.id());
    live.subscribe(stream);
    stream.onClose(
        () -> {
          live.unsubscribe(stream);
          if (closePolicy == StreamClosePolicy.CANCEL) {
            live.cancel(ErrorType.CANCELLED);
          }
        });
    runner.launch(admission);
    return stream;
  }

  /**
   * Stores the pending row, starts the generation in the background and returns its ID at once
   * (generate, then redirect to its URL). {@link #follow} reads it as it arrives.
   *
   * @throws IllegalArgumentException if the request is over a limit or the client cannot send it
   *     (nothing stored, no call)
   * @throws PersistenceException if the pending row could not be inserted
   * @throws IllegalStateException if the generator is closed
   */
  public String submit(GenerationRequest request, ModelClient client) {
    Admission admission = admit(request, client);
    if (admission.hit != null) {
      return admission.hit.id();
    }
    runner.launch(admission);
    return admission.live.id();
  }

  /**
   * The text of any generation, from any thread: what is stored so far, then new text as it
   * arrives, until it ends. Works for generations running in this process, in another process (read
   * from the store), and long finished ones.
   *
   * @throws java.util.NoSuchElementException if no generation has this ID
   */
  public GenerationStream follow(String id) {
    return StoreFollower.follow(state, id);
  }

  /** The stored record of a generation (with the text stored so far when live). */
  public Optional<Generation> find(String id) {
    return state.store.find(id);
  }

  /**
   * Who a generation belongs to (its ID, user and tenant), read without its record: what an
   * authorization check needs before anything else is loaded.
   */
  public Optional<GenerationOwner> owner(String id) {
    return state.store.owner(id);
  }

  /**
   * Where each budget of a user and tenant stands in its current period: spent, reserved and when
   * it resets (see {@link Builder#budgets}). Budgets of a scope the caller gives no owner for are
   * left out; empty without budgets.
   */
  public List<BudgetStatus> budgetStatus(@Nullable String userId, @Nullable String tenantId) {
    return state.budgets.status(userId, tenantId, state.now());
  }

  /** A page of stored generations, newest first. */
  public Page<Generation> list(GenerationQuery query) {
    return state.store.list(query);
  }

  /**
   * Counts, token sums and exact cost sums of stored generations, grouped as the query says (see
   * {@link GenerationStore#spend}).
   */
  public List<SpendRow> spend(SpendQuery query) {
    return state.store.spend(query);
  }

  /**
   * The generation's URL: {@code {base}/generate/{id}}, {@code /chat/{id}} or {@code /image/{id}}.
   */
  public String url(Generation generation) {
    return urls.url(generation);
  }

  /** The URL of a generation's {@code n}-th file: {@code {base}/image/{id}/{n}}. */
  public String blobUrl(Generation generation, int n) {
    return urls.blobUrl(generation, n);
  }

  /** The URLs of this generator's generations (its base URL). */
  public GenerationUrls urls() {
    return urls;
  }

  /**
   * Deletes a generation: if it runs in this process it is cancelled and ends first; then its
   * files, its cached result (the dedup entry naming it) and its row with its chunks are removed.
   *
   * @return true if it existed
   * @throws PersistenceException if a store, the blob store or the cache failed; what was not
   *     deleted yet is still there for a repeat call to finish
   */
  public boolean delete(String id) {
    return deletions.delete(id);
  }

  /**
   * Erases everything of a user: every generation of theirs with its chunks, files and the dedup
   * entries naming it. Their admissions under way finish first, their generations running here are
   * cancelled and end first, their runs in other processes are waited for up to the drain timeout,
   * and their new requests are refused ({@link IllegalStateException}) until it returns. Then none
   * of their generations can be read through {@link #find}, {@link #list}, a route or a cache hit.
   * Idempotent; a failure part-way throws and leaves what is left for a repeat call to finish.
   * Presigned URLs already handed out stay signed until they expire (README, "Erasure").
   *
   * @return how many generations were erased
   * @throws PersistenceException if a backend failed part-way (call again)
   */
  public int eraseUser(String userId) {
    return deletions.eraseUser(userId);
  }

  private Admission admit(GenerationRequest request, ModelClient client) {
    if (state.closed.get()) {
      throw new IllegalStateException("the generator is closed");
    }
    return admitter.admit(request, client);
  }

  /**
   * Ends every live row whose heartbeat is older than the lease as {@code error/interrupted},
   * keeping its stored text, and retries terminal rows that could not be written before. Runs on
   * its own schedule; call it to run it now.
   *
   * @return how many stale rows were ended
   */
  public int sweep() {
    return sweeper.sweep();
  }

  /**
   * Renews this process's in-flight claims in the dedup cache now (tests; it runs on a schedule).
   */
  void renewClaims() {
    sweeper.renew();
  }

  /** Whether {@link #close()} has begun (tests). */
  boolean isClosed() {
    return state.closed.get();
  }

  /** Runs one checkpoint tick now, on the calling thread (tests). */
  void checkpointNow() {
    state.checkpointer.tick();
  }

  /**
   * Stops taking new work, waits up to the drain timeout for generations in flight, then stops the
   * rest: their rows end {@code error/interrupted} with the text so far. Shuts down the executor
   * and the scheduler if the generator made them (supplied ones are left alone). Does not close the
   * stores.
   */
  @Override
  public void close() {
    if (!state.closed.compareAndSet(false, true)) {
      return;
    }
    Shutdown.drain(state, drainTimeout);
    Shutdown.stopThreads(state, sweeper, ownedScheduler, ownedExecutor);
  }

  /**
   * Builds a {@link PersistentGenerator}. Each setting may be set once; {@link #build()} checks
   * that a store was given.
   */
  public static final class Builder {
    @Nullable GenerationStore store;
    @Nullable BlobStore blobs;
    @Nullable DedupCache cache;
    @Nullable IdGenerator ids;
    @Nullable Clock clock;
    @Nullable Sleeper sleeper;
    @Nullable Executor executor;
    CheckpointPolicy checkpointPolicy = CheckpointPolicy.DEFAULT;
    GenerationListener listener = GenerationListener.NONE;
    CostCalculator costs = Pricing.bundled();
    @Nullable Budgets budgets;
    GenerationUrls urls = GenerationUrls.LOCALHOST;
    @Nullable ScheduledExecutorService scheduler;
    CacheScope cacheScope = CacheScope.USER;
    Duration cacheTtl = Duration.ofDays(1);
    Duration lease = Duration.ofSeconds(60);
    Duration sweepInterval = Duration.ofSeconds(30);
    Duration drainTimeout = Duration.ofSeconds(30);
    Duration persistTimeout = Duration.ofSeconds(60);
    long maxInputChars = 1_000_000;
    StreamClosePolicy closePolicy = StreamClosePolicy.FINISH;
    private final Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    private void once(String name) {
      if (!set.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    /** Where generations are stored. Required. */
    public Builder store(GenerationStore store) {
      once("store");
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Where generated files go. Without one, a generation that produces a file fails. */
    public Builder blobs(BlobStore blobs) {
      once("blobs");
      this.blobs = Objects.requireNonNull(blobs, "blobs");
      return this;
    }

    /** The dedup cache; an in-process Caffeine cache of 10,000 entries by default. */
    public Builder cache(DedupCache cache) {
      once("cache");
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /** How IDs are made; 21-character nanoids by default. IDs under 16 characters are refused. */
    public Builder ids(IdGenerator ids) {
      once("ids");
      this.ids = Objects.requireNonNull(ids, "ids");
      return this;
    }

    /** The clock for timestamps, heartbeats and the lease; UTC system clock by default. */
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How the generator waits between store retries and polls. */
    public Builder sleeper(Sleeper sleeper) {
      once("sleeper");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Runs {@link #stream} and {@link #submit} work. The caller keeps ownership: {@link #close()}
     * does not shut it down. By default the generator makes (and owns) a cached pool of daemon
     * threads.
     */
    public Builder executor(Executor executor) {
      once("executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** How often streamed text is written; every 250 ms or 64 deltas by default. */
    public Builder checkpointPolicy(CheckpointPolicy policy) {
      once("checkpointPolicy");
      this.checkpointPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Sees what the generator does. */
    public Builder listener(GenerationListener listener) {
      once("listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Prices generations; {@link Pricing#bundled()} (the bundled price table) by default. Use
     * {@link Pricing#builder()} to add your own prices, or {@link CostCalculator#NONE} to price
     * nothing.
     */
    public Builder costCalculator(CostCalculator costs) {
      once("costCalculator");
      this.costs = Objects.requireNonNull(costs, "costs");
      return this;
    }

    /**
     * Spending limits to enforce: each generation reserves its largest possible cost on every
     * budget that applies before its row is written and its provider called, and is refused with a
     * {@link BudgetExceededException} if one would go over; its actual cost replaces the
     * reservation when it ends, and the sweeper settles what a dead process left reserved. None by
     * default.
     */
    public Builder budgets(Budgets budgets) {
      once("budgets");
      this.budgets = Objects.requireNonNull(budgets, "budgets");
      return this;
    }

    /**
     * The base of generation URLs, e.g. {@code https://example.com/ai}; no trailing slash needed.
     * Without one, URLs point at {@code http://localhost:8080} (said once in the log).
     *
     * @throws IllegalArgumentException unless it is an {@code http://} or {@code https://} URL with
     *     a host
     */
    public Builder baseUrl(String baseUrl) {
      GenerationUrls checked = GenerationUrls.of(baseUrl);
      once("baseUrl");
      this.urls = checked;
      return this;
    }

    /**
     * Runs the sweeps and the renewals of in-flight claims. The caller keeps ownership: {@link
     * #close()} only cancels the generator's tasks. By default the generator makes (and owns) one
     * daemon thread.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      once("scheduler");
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Who may share cached results: {@link CacheScope#USER} by default, so one user's answer is
     * never served to another. {@link CacheScope#TENANT} shares identical requests across the users
     * of a tenant (or across all users when requests carry no tenant): cheaper, but a user then
     * receives an answer first generated for someone else.
     */
    public Builder cacheScope(CacheScope scope) {
      once("cacheScope");
      this.cacheScope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /** How long a result stays in the dedup cache; one day by default. */
    public Builder cacheTtl(Duration ttl) {
      once("cacheTtl");
      this.cacheTtl = positive("cacheTtl", ttl);
      return this;
    }

    /**
     * How long a live row may go without a heartbeat before the sweeper ends it as interrupted; 60
     * s by default. Heartbeats are sent every quarter lease.
     */
    public Builder lease(Duration lease) {
      once("lease");
      this.lease = positive("lease", lease);
      return this;
    }

    /** How often the sweeper runs; 30 s by default. */
    public Builder sweepInterval(Duration interval) {
      once("sweepInterval");
      this.sweepInterval = positive("sweepInterval", interval);
      return this;
    }

    /** How long {@link #close()} waits for generations in flight; 30 s by default. */
    public Builder drainTimeout(Duration timeout) {
      once("drainTimeout");
      this.drainTimeout = positive("drainTimeout", timeout);
      return this;
    }

    /** How long a terminal write is retried through a store outage before it is queued; 60 s. */
    public Builder persistTimeout(Duration timeout) {
      once("persistTimeout");
      this.persistTimeout = positive("persistTimeout", timeout);
      return this;
    }

    /** Longest input (system prompt, prompt and messages) in characters; one million by default. */
    public Builder maxInputChars(long maxInputChars) {
      once("maxInputChars");
      if (maxInputChars < 1) {
        throw new IllegalArgumentException("maxInputChars must be at least 1: " + maxInputChars);
      }
      this.maxInputChars = maxInputChars;
      return this;
    }

    /** What closing a stream early does; {@link StreamClosePolicy#FINISH} by default. */
    public Builder streamClosePolicy(StreamClosePolicy policy) {
      once("streamClosePolicy");
      this.closePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The generator, with its checkpointer and sweeper threads started.
     *
     * @throws IllegalStateException if no store was set
     */
    public PersistentGenerator build() {
      if (store == null) {
        throw new IllegalStateException(
            "a GenerationStore is required (GenerationStore.inMemory() for tests)");
      }
      if (!set.contains("baseUrl")) {
        GenerationUrls.tellDefault(urls);
      }
      return new PersistentGenerator(this);
    }
  }
}
