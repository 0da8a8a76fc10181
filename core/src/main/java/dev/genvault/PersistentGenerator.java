package dev.genvault;

import dev.genvault.cost.Pricing;
import dev.genvault.spi.BlobKeys;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

  private static final Set<String> NORMAL_FINISH =
      Set.of(
          "stop",
          "end_turn",
          "stop_sequence",
          "tool_calls",
          "tool_use",
          "function_call",
          "completed",
          "eos",
          "end",
          "finish");

  private static final int MAX_ERROR_MESSAGE = 2000;

  private final GenerationStore store;
  private final BlobStore blobs;
  private final DedupCache cache;
  private final IdGenerator ids;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Executor executor;
  private final @Nullable ExecutorService ownedExecutor;
  private final CheckpointPolicy checkpointPolicy;
  private final Listeners listener;
  private final CostCalculator costs;
  private final String baseUrl;
  private final CacheScope cacheScope;
  private final Duration dedupTtl;
  private final Duration lease;
  private final Duration drainTimeout;
  private final Duration persistTimeout;
  private final long maxInputChars;
  private final StreamClosePolicy closePolicy;
  private final Checkpointer checkpointer;
  private final ScheduledExecutorService sweeper;
  private final ConcurrentHashMap<String, LiveGeneration> lives = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LiveGeneration> inFlight = new ConcurrentHashMap<>();
  private final Queue<Generation> unpersisted = new ConcurrentLinkedQueue<>();

  /** In-flight claims this process holds in the shared cache: fingerprint to generation ID. */
  private final ConcurrentHashMap<String, String> claims = new ConcurrentHashMap<>();

  private final AtomicBoolean closed = new AtomicBoolean();

  private PersistentGenerator(Builder b) {
    this.store = Objects.requireNonNull(b.store);
    this.blobs = b.blobs == null ? NoBlobStore.INSTANCE : b.blobs;
    this.cache = b.cache == null ? DedupCache.caffeine(10_000) : b.cache;
    this.ids = b.ids == null ? IdGenerator.nanoid() : b.ids;
    // Whole microseconds everywhere: the precision every store keeps, so records round-trip.
    this.clock = Clock.tick(b.clock == null ? Clock.systemUTC() : b.clock, Duration.ofNanos(1000));
    this.sleeper = b.sleeper == null ? Sleeper.SYSTEM : b.sleeper;
    if (b.executor == null) {
      this.ownedExecutor = Executors.newCachedThreadPool(daemonThreads("genvault-worker"));
      this.executor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
      this.executor = b.executor;
    }
    this.checkpointPolicy = b.checkpointPolicy;
    this.listener = new Listeners(b.listener);
    this.costs = b.costs;
    this.baseUrl = b.baseUrl;
    this.cacheScope = b.cacheScope;
    this.dedupTtl = b.dedupTtl;
    this.lease = b.lease;
    this.drainTimeout = b.drainTimeout;
    this.persistTimeout = b.persistTimeout;
    this.maxInputChars = b.maxInputChars;
    this.closePolicy = b.closePolicy;
    Duration heartbeat = lease.dividedBy(4);
    this.checkpointer = new Checkpointer(store, clock, checkpointPolicy, heartbeat, listener);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(daemonThreads("genvault-sweeper"));
    long sweepMillis = b.sweepInterval.toMillis();
    if (sweepMillis > 0) {
      sweeper.scheduleWithFixedDelay(
          this::sweepQuietly, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }
    // A claim lives one lease; renew it while its generation runs, so that a generation longer
    // than the lease is still joined, not started again, by other processes.
    long renewMillis = Math.max(10, heartbeat.toMillis());
    sweeper.scheduleWithFixedDelay(
        this::renewClaims, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
  }

  private void renewClaims() {
    claims.forEach(
        (fingerprint, id) -> {
          try {
            cache.put(inFlightKey(fingerprint), id, lease);
          } catch (RuntimeException e) {
            log.debug("renewing the in-flight claim of {} failed: {}", id, e.toString());
          }
        });
  }

  /** A new builder; only {@link Builder#store} is required. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- the three ways to generate

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
      throw failure(result, admission.live.failure);
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
      done.end(admission.hit);
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
    launch(admission);
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
    launch(admission);
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
    Objects.requireNonNull(id, "id");
    GenerationStream stream = new GenerationStream(id);
    LiveGeneration live = lives.get(id);
    if (live != null) {
      stream.onClose(() -> live.unsubscribe(stream));
      live.subscribe(stream);
      return stream;
    }
    Generation stored =
        store
            .find(id)
            .orElseThrow(() -> new java.util.NoSuchElementException("no generation " + id));
    if (stored.isTerminal()) {
      stream.delta(stored.text());
      stream.end(stored);
      return stream;
    }
    StoreFollower follower = new StoreFollower(stream, id);
    stream.onClose(follower::stop);
    try {
      executor.execute(follower);
    } catch (RejectedExecutionException e) {
      stream.fail(new GenvaultException("cannot follow " + id + ": the executor refused", id, e));
    }
    return stream;
  }

  // ---------------------------------------------------------------- reading and deleting

  /** The stored record of a generation (with the text stored so far when live). */
  public Optional<Generation> find(String id) {
    return store.find(id);
  }

  /**
   * Who a generation belongs to (its ID, user and tenant), read without its record: what an
   * authorization check needs before anything else is loaded.
   */
  public Optional<GenerationOwner> owner(String id) {
    return store.owner(id);
  }

  /** A page of stored generations, newest first. */
  public Page<Generation> list(GenerationQuery query) {
    return store.list(query);
  }

  /**
   * The generation's URL: {@code {base}/generate/{id}}, {@code /chat/{id}} or {@code /image/{id}}.
   */
  public String url(Generation generation) {
    String kind;
    if (generation.kind() == GenerationKind.IMAGE) {
      kind = "image";
    } else if (generation.kind() == GenerationKind.AUDIO) {
      kind = "audio";
    } else {
      kind = generation.request().messages().isEmpty() ? "generate" : "chat";
    }
    return baseUrl + "/" + kind + "/" + generation.id();
  }

  /** The URL of a generation's {@code n}-th file: {@code {base}/image/{id}/{n}}. */
  public String fileUrl(Generation generation, int n) {
    if (n < 0 || n >= generation.blobs().size()) {
      throw new IllegalArgumentException("generation " + generation.id() + " has no file " + n);
    }
    String kind = generation.kind() == GenerationKind.AUDIO ? "audio" : "image";
    return baseUrl + "/" + kind + "/" + generation.id() + "/" + n;
  }

  /**
   * Deletes a generation: its files from the blob store, then its row and chunks.
   *
   * @return true if it existed
   */
  public boolean delete(String id) {
    Optional<Generation> found = store.find(id);
    if (found.isEmpty()) {
      return false;
    }
    deleteFiles(found.get());
    return store.delete(id);
  }

  /**
   * Deletes every generation of a user, with their files.
   *
   * @return how many generations were deleted
   */
  public int deleteUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    String cursor = null;
    do {
      Page<Generation> page =
          store.list(GenerationQuery.builder().userId(userId).limit(500).cursor(cursor).build());
      page.items().forEach(this::deleteFiles);
      cursor = page.nextCursor();
    } while (cursor != null);
    return store.deleteByUser(userId);
  }

  private void deleteFiles(Generation g) {
    for (BlobRef ref : g.blobs()) {
      blobs.delete(ref.key());
    }
  }

  // ---------------------------------------------------------------- admission (steps 1 to 4)

  /** Steps 1–4 on the caller's thread: validate, fingerprint, dedup or join, insert pending. */
  private Admission admit(GenerationRequest request, ModelClient client) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(client, "client");
    if (closed.get()) {
      throw new IllegalStateException("the generator is closed");
    }
    if (request.inputLength() > maxInputChars) {
      throw new IllegalArgumentException(
          "prompt is "
              + request.inputLength()
              + " characters, over the limit of "
              + maxInputChars
              + " (PersistentGenerator.Builder.maxInputChars)");
    }
    client.check(request);
    String fingerprint = Fingerprint.of(request, cacheScope);
    String id = IdGenerator.check(ids.newId());
    Instant now = now();

    Generation hit = serveFromCache(request, client, fingerprint, id, now);
    if (hit != null) {
      return new Admission(hit);
    }

    Generation pending =
        Generation.builder()
            .id(id)
            .request(request)
            .provider(ProviderValues.cut(client.provider(), ProviderValues.PROVIDER))
            .fingerprint(fingerprint)
            .createdAt(now)
            .updatedAt(now)
            .heartbeatAt(now)
            .build();
    LiveGeneration live =
        new LiveGeneration(
            pending, clock, blobs, checkpointer::pieces, () -> listener.firstToken(id));

    LiveGeneration localLeader = inFlight.putIfAbsent(fingerprint, live);
    String remoteLeader = null;
    boolean claimed = false;
    if (localLeader == null) {
      claimed = cacheClaim(fingerprint, id);
      if (claimed) {
        claims.put(fingerprint, id);
      }
      if (!claimed) {
        remoteLeader =
            cacheGet(inFlightKey(fingerprint)).filter(other -> !other.equals(id)).orElse(null);
      }
    }
    try {
      store.insert(pending);
    } catch (RuntimeException e) {
      releaseFlight(fingerprint, live, claimed);
      boolean retryable =
          !(e instanceof GenvaultException) || ((GenvaultException) e).isRetryable();
      throw new PersistenceException(
          "could not insert the pending row of generation "
              + id
              + "; the model was not called: "
              + e.getMessage(),
          id,
          retryable,
          e);
    }
    lives.put(id, live);
    listener.started(pending);
    if (localLeader != null || remoteLeader != null) {
      return new Admission(live, client, fingerprint, false, localLeader, remoteLeader);
    }
    return new Admission(live, client, fingerprint, claimed, null, null);
  }

  /** Step 3: a new row copying a complete cached original, or null on a miss. */
  private @Nullable Generation serveFromCache(
      GenerationRequest request, ModelClient client, String fingerprint, String id, Instant now) {
    Optional<String> originalId = cacheGet(fingerprint);
    if (originalId.isEmpty()) {
      return null;
    }
    Generation original;
    try {
      original = store.find(originalId.get()).orElse(null);
    } catch (RuntimeException e) {
      log.warn("dedup lookup of {} failed; treated as a miss: {}", originalId.get(), e.toString());
      return null;
    }
    if (original == null
        || original.status() != GenerationStatus.COMPLETE
        || !fingerprint.equals(original.fingerprint())) {
      cacheInvalidate(fingerprint);
      return null;
    }
    Generation copy = copyOf(original, id, request, client.provider(), fingerprint, now);
    try {
      store.insertTerminal(copy);
    } catch (RuntimeException e) {
      throw new PersistenceException(
          "could not insert generation " + id + " served from the cache: " + e.getMessage(),
          id,
          true,
          e);
    }
    listener.cacheHit(copy, original.id());
    return copy;
  }

  /** A complete row for a new caller with the original's result, costing nothing. */
  private Generation copyOf(
      Generation original,
      String id,
      GenerationRequest request,
      String provider,
      String fingerprint,
      Instant now) {
    List<BlobRef> files = new ArrayList<>();
    for (int n = 0; n < original.blobs().size(); n++) {
      files.add(copyFile(original.blobs().get(n), id, n));
    }
    Cost originalCost = original.cost();
    return Generation.builder()
        .id(id)
        .request(request)
        .provider(
            original.provider() == null
                ? ProviderValues.cut(provider, ProviderValues.PROVIDER)
                : original.provider())
        .providerModel(original.providerModel())
        .text(original.text())
        .finishReason(original.finishReason())
        .toolCalls(original.toolCalls())
        .attributes(original.attributes())
        .blobs(files)
        .status(GenerationStatus.COMPLETE)
        .cachedFrom(original.id())
        .savedCost(originalCost == null ? null : originalCost.usd())
        .cost(Cost.zero(originalCost == null ? "dedup" : originalCost.priceTable()))
        .fingerprint(fingerprint)
        .createdAt(now)
        .firstTokenAt(now)
        .completedAt(now)
        .updatedAt(now)
        .build();
  }

  /** Copies a file so the copy owns it (deleting the original never breaks the copy). */
  private BlobRef copyFile(BlobRef ref, String id, int n) {
    String key = BlobKeys.forGeneration(id, n, ref.contentType());
    try (InputStream in =
        blobs
            .open(ref.key())
            .orElseThrow(
                () -> new PersistenceException("cached file " + ref.key() + " is gone", null))) {
      return blobs.put(key, in, ref.contentType());
    } catch (IOException e) {
      throw new PersistenceException("could not copy cached file " + ref.key(), e);
    }
  }

  private void launch(Admission admission) {
    try {
      executor.execute(admission::runQuietly);
    } catch (RejectedExecutionException e) {
      LiveGeneration live = admission.live;
      Generation failed = errorRecord(live, ErrorType.INTERRUPTED, "the executor refused the work");
      finishLive(live, persistTerminal(failed, live), admission.fingerprint, admission.claimed, e);
      throw new GenvaultException(
          "generation " + live.id() + " could not start: the executor refused", live.id(), e);
    }
  }

  /** What {@link #admit} decided: a finished cache hit, or a live generation to run. */
  private final class Admission {
    final @Nullable Generation hit;
    final LiveGeneration live;
    final @Nullable ModelClient client;
    final String fingerprint;
    final boolean claimed;
    final @Nullable LiveGeneration localLeader;
    final @Nullable String remoteLeader;

    Admission(Generation hit) {
      this.hit = hit;
      this.live = null;
      this.client = null;
      this.fingerprint = "";
      this.claimed = false;
      this.localLeader = null;
      this.remoteLeader = null;
    }

    Admission(
        LiveGeneration live,
        ModelClient client,
        String fingerprint,
        boolean claimed,
        @Nullable LiveGeneration localLeader,
        @Nullable String remoteLeader) {
      this.hit = null;
      this.live = live;
      this.client = client;
      this.fingerprint = fingerprint;
      this.claimed = claimed;
      this.localLeader = localLeader;
      this.remoteLeader = remoteLeader;
    }

    Generation run() {
      if (localLeader != null || remoteLeader != null) {
        return runJoiner(
            live, Objects.requireNonNull(client), localLeader, remoteLeader, fingerprint);
      }
      return runLeader(live, Objects.requireNonNull(client), fingerprint, claimed);
    }

    void runQuietly() {
      try {
        run();
      } catch (RuntimeException e) {
        log.error("generation {} failed unexpectedly", live.id(), e);
      }
    }
  }

  // ---------------------------------------------------------------- running (steps 5 to 8)

  private Generation runLeader(
      LiveGeneration live, ModelClient client, String fingerprint, boolean claimed) {
    live.worker(Thread.currentThread());
    checkpointer.register(live);
    Generation terminal;
    Throwable failure = null;
    try {
      ModelResult result = client.generate(live);
      if (live.cancelReason() != null) {
        throw new ProviderException(
            live.cancelReason(), "generation " + live.id() + " was stopped");
      }
      if (result == null) {
        throw new ProviderException(ErrorType.INVALID_RESPONSE, "the client returned no result");
      }
      terminal = completeRecord(live, result);
    } catch (Throwable t) {
      failure = t;
      terminal = errorRecord(live, classify(live, t), describe(t));
      if (t instanceof Error
          && !(t instanceof StackOverflowError)
          && !(t instanceof LinkageError)) {
        live.worker(null);
        finishLive(live, persistTerminal(terminal, live), fingerprint, claimed, t);
        throw (Error) t;
      }
    } finally {
      live.worker(null);
      if (live.cancelReason() != null) {
        Thread.interrupted(); // our own cancellation interrupt; do not leak it to the caller
      }
    }
    live.failure = failure;
    Generation stored = persistTerminal(terminal, live);
    // Cache before the in-flight slot is released and readers see the end, so an identical
    // request arriving right after always finds one or the other.
    if (stored.status() == GenerationStatus.COMPLETE && isNormalFinish(stored.finishReason())) {
      cachePut(fingerprint, stored.id());
    }
    finishLive(live, stored, fingerprint, claimed, failure);
    if (failure instanceof InterruptedException && live.cancelReason() == null) {
      // The caller's thread was interrupted: the row is written, now keep the interrupt visible.
      Thread.currentThread().interrupt();
    }
    return stored;
  }

  private Generation runJoiner(
      LiveGeneration live,
      ModelClient client,
      @Nullable LiveGeneration localLeader,
      @Nullable String remoteLeader,
      String fingerprint) {
    checkpointer.register(live); // for heartbeats while it waits
    live.worker(Thread.currentThread()); // so that close() can interrupt the wait
    Generation original = null;
    try {
      original =
          localLeader != null
              ? localLeader.done.get()
              : awaitRemote(Objects.requireNonNull(remoteLeader));
    } catch (InterruptedException e) {
      live.worker(null);
      Thread.interrupted();
      Generation failed =
          errorRecord(
              live, ErrorType.INTERRUPTED, "interrupted while waiting for an identical generation");
      finishLive(live, persistTerminal(failed, live), fingerprint, false, e);
      return failed;
    } catch (ExecutionException e) {
      original = null;
    }
    live.worker(null);
    if (live.cancelReason() != null) {
      Thread.interrupted();
      Generation stopped =
          errorRecord(
              live, live.cancelReason(), "stopped while waiting for an identical generation");
      Generation stored = persistTerminal(stopped, live);
      finishLive(live, stored, fingerprint, false, null);
      return stored;
    }
    if (original != null && original.status() == GenerationStatus.COMPLETE) {
      Instant now = now();
      Generation copy;
      try {
        copy =
            copyOf(original, live.id(), live.request(), client.provider(), fingerprint, now)
                .toBuilder()
                .createdAt(live.pending.createdAt())
                .build();
      } catch (RuntimeException e) {
        Generation failed = errorRecord(live, ErrorType.BLOB_UPLOAD_FAILED, describe(e));
        Generation stored = persistTerminal(failed, live);
        finishLive(live, stored, fingerprint, false, e);
        return stored;
      }
      live.appendFinal(copy.text());
      Generation stored = persistTerminal(copy, live);
      finishLive(live, stored, fingerprint, false, null);
      listener.cacheHit(stored, original.id());
      return stored;
    }
    // The generation it waited for failed or vanished: make the call itself.
    return runLeader(live, client, fingerprint, false);
  }

  /** Waits for a generation of another process to end; null if it does not within two leases. */
  private @Nullable Generation awaitRemote(String id) throws InterruptedException {
    long deadline = System.nanoTime() + lease.multipliedBy(2).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Optional<Generation> g = store.find(id);
        if (g.isPresent() && g.get().isTerminal()) {
          return g.get();
        }
      } catch (RuntimeException e) {
        log.debug("waiting for {}: store read failed: {}", id, e.toString());
      }
      sleeper.sleep(checkpointPolicy.interval());
    }
    return null;
  }

  private Generation completeRecord(LiveGeneration live, ModelResult result) {
    if (!live.hasText() && result.text() != null) {
      live.appendFinal(result.text());
    }
    for (ModelResult.GeneratedFile file : result.files()) {
      live.storeFile(file.contentType(), new ByteArrayInputStream(file.content()));
    }
    Instant now = now();
    Generation complete =
        ProviderValues.normalise(
            live.pending.toBuilder()
                .status(GenerationStatus.COMPLETE)
                .text(live.text())
                .finishReason(result.finishReason())
                .usage(result.usage())
                .providerModel(result.providerModel())
                .providerResponseId(result.providerResponseId())
                .toolCalls(result.toolCalls())
                .attributes(result.attributes())
                .blobs(live.files())
                .firstTokenAt(live.firstTokenAt())
                .completedAt(now)
                .updatedAt(now)
                .heartbeatAt(null)
                .build());
    Cost cost = null;
    try {
      cost = costs.cost(complete);
    } catch (RuntimeException e) {
      log.warn("pricing generation {} failed; its cost is recorded as unknown", complete.id(), e);
    }
    return complete.toBuilder().cost(cost).build();
  }

  private Generation errorRecord(LiveGeneration live, ErrorType type, String message) {
    Instant now = now();
    return live.pending.toBuilder()
        .error(type, message)
        .text(live.text())
        .blobs(live.files())
        .firstTokenAt(live.firstTokenAt())
        .completedAt(now)
        .updatedAt(now)
        .heartbeatAt(null)
        .build();
  }

  private static ErrorType classify(LiveGeneration live, Throwable t) {
    if (live.cancelReason() != null) {
      return live.cancelReason();
    }
    if (t instanceof ProviderException) {
      return ((ProviderException) t).errorType();
    }
    if (t instanceof InterruptedException) {
      return ErrorType.INTERRUPTED;
    }
    return ErrorType.PROVIDER_ERROR;
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    String text = message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    return ProviderValues.cut(text, MAX_ERROR_MESSAGE);
  }

  static boolean isNormalFinish(@Nullable String finishReason) {
    return finishReason == null || NORMAL_FINISH.contains(finishReason.toLowerCase(Locale.ROOT));
  }

  /**
   * Writes a terminal row and returns what the store holds: the row itself, or a row made terminal
   * first by someone else (e.g. shutdown), which wins. A store outage (a retryable failure) is
   * retried for up to the persist timeout; after that the row is queued for the sweeper to write,
   * and the caller is given an {@code error/persistence_failed} record, never {@code complete} for
   * a row that is not. A write that the store refuses for good is not retried: the row is ended as
   * {@code error/persistence_failed} with its text, usage and cost instead (see {@link
   * #persistFallback}). The failure is kept on {@code live} for the caller's exception.
   */
  private Generation persistTerminal(Generation terminal, LiveGeneration live) {
    long deadline = System.nanoTime() + persistTimeout.toNanos();
    Duration backoff = Duration.ofMillis(25);
    while (true) {
      try {
        return finishOnce(terminal);
      } catch (RuntimeException e) {
        if (!isRetryable(e)) {
          keepFailure(live, e);
          return persistFallback(terminal, e);
        }
        if (System.nanoTime() >= deadline) {
          return queueUnwritten(
              terminal, live, e, "could not be written for " + persistTimeout + " (" + e + ")");
        }
        try {
          sleeper.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return queueUnwritten(terminal, live, e, "could not be written before an interrupt");
        }
        backoff =
            backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0
                ? Duration.ofSeconds(2)
                : backoff.multipliedBy(2);
      }
    }
  }

  private static boolean isRetryable(RuntimeException e) {
    return !(e instanceof GenvaultException) || ((GenvaultException) e).isRetryable();
  }

  private static void keepFailure(LiveGeneration live, Throwable e) {
    if (live.failure == null) {
      live.failure = e;
    }
  }

  /** One terminal write; what the store holds afterwards. */
  private Generation finishOnce(Generation terminal) {
    if (store.finish(terminal)) {
      return terminal;
    }
    Optional<Generation> stored = store.find(terminal.id());
    if (stored.isPresent() && stored.get().isTerminal()) {
      Generation winner = stored.get();
      if (winner.status() != terminal.status()
          || winner.text().length() != terminal.text().length()) {
        log.warn(
            "generation {} was already ended as {} (by a sweeper or shutdown, e.g. during a"
                + " store outage); its own outcome, {} with {} characters, was not written",
            terminal.id(),
            winner.errorType() == null ? winner.status().wireName() : winner.errorType().wireName(),
            terminal.status().wireName(),
            terminal.text().length());
      }
      return winner;
    }
    log.error("generation {} has no row to finish; its result was: {}", terminal.id(), terminal);
    return terminal;
  }

  /**
   * The store keeps failing: the terminal row stays queued in memory and the sweeper retries it (a
   * stale row with a queued terminal is not swept as interrupted). The caller gets {@code
   * error/persistence_failed} with the whole text, since its row is not written yet.
   */
  private Generation queueUnwritten(
      Generation terminal, LiveGeneration live, RuntimeException e, String why) {
    log.error(
        "the terminal row of generation {} {}; it is kept in memory and retried",
        terminal.id(),
        why);
    unpersisted.add(terminal);
    keepFailure(live, e);
    if (terminal.status() != GenerationStatus.COMPLETE) {
      return terminal;
    }
    return terminal.toBuilder()
        .error(
            ErrorType.PERSISTENCE_FAILED,
            "the result "
                + why
                + "; it is kept in memory and retried, so the row may still become complete")
        .build();
  }

  /**
   * A terminal write the store refused for good (a value it cannot hold, a constraint): ends the
   * row as {@code error/persistence_failed} without the provider-chosen values, keeping text,
   * usage, cost and files; failing that, without the text too. The record returned always has the
   * whole text, for the caller.
   */
  private Generation persistFallback(Generation terminal, RuntimeException cause) {
    String message = "the result could not be stored: " + describe(cause);
    Usage usage = terminal.usage();
    Generation fallback =
        terminal.toBuilder()
            .error(ErrorType.PERSISTENCE_FAILED, message)
            .providerModel(null)
            .providerResponseId(null)
            .finishReason(null)
            .toolCalls(null)
            .attributes(java.util.Map.of())
            .usage(usage == null ? null : usage.toBuilder().raw(java.util.Map.of()).build())
            .build();
    log.error(
        "generation {}: the store refused its terminal row for good, so it is ended as"
            + " persistence_failed: {}",
        terminal.id(),
        cause.toString());
    List<Generation> attempts =
        List.of(
            fallback,
            fallback.toBuilder()
                .text("")
                .error(ErrorType.PERSISTENCE_FAILED, message + " (its text is not stored either)")
                .build());
    for (Generation attempt : attempts) {
      try {
        Generation stored = finishOnce(attempt);
        return stored != attempt
            ? stored // ended first by someone else (shutdown, a sweeper)
            : fallback.toBuilder()
                .error(ErrorType.PERSISTENCE_FAILED, String.valueOf(attempt.errorMessage()))
                .build();
      } catch (RuntimeException again) {
        log.error(
            "generation {}: ending it as persistence_failed failed too: {}",
            terminal.id(),
            again.toString());
      }
    }
    return fallback;
  }

  private void finishLive(
      LiveGeneration live,
      Generation terminal,
      String fingerprint,
      boolean claimed,
      @Nullable Throwable failure) {
    checkpointer.unregister(live);
    lives.remove(live.id(), live);
    releaseFlight(fingerprint, live, claimed);
    live.end(terminal);
    if (terminal.status() == GenerationStatus.COMPLETE) {
      listener.completed(terminal);
    } else {
      listener.failed(
          terminal,
          failure != null
              ? failure
              : new GenvaultException(
                  String.valueOf(terminal.errorMessage()), terminal.id(), null));
    }
  }

  private GenerationFailedException failure(Generation g, @Nullable Throwable cause) {
    ErrorType type = g.errorType() == null ? ErrorType.PROVIDER_ERROR : g.errorType();
    return new GenerationFailedException(g.id(), type, String.valueOf(g.errorMessage()), g, cause);
  }

  // ---------------------------------------------------------------- dedup cache, failing open

  private static String inFlightKey(String fingerprint) {
    return "inflight:" + fingerprint;
  }

  private Optional<String> cacheGet(String key) {
    try {
      return cache.get(key);
    } catch (RuntimeException e) {
      log.warn("dedup cache read failed; treated as a miss: {}", e.toString());
      return Optional.empty();
    }
  }

  private void cachePut(String fingerprint, String id) {
    try {
      cache.put(fingerprint, id, dedupTtl);
    } catch (RuntimeException e) {
      log.warn("dedup cache write failed; the result is stored but not cached: {}", e.toString());
    }
  }

  private void cacheInvalidate(String key) {
    try {
      cache.invalidate(key);
    } catch (RuntimeException e) {
      log.warn("dedup cache invalidate failed: {}", e.toString());
    }
  }

  private boolean cacheClaim(String fingerprint, String id) {
    try {
      return cache.putIfAbsent(inFlightKey(fingerprint), id, lease);
    } catch (RuntimeException e) {
      log.warn("dedup cache claim failed; going ahead alone: {}", e.toString());
      return false;
    }
  }

  private void releaseFlight(String fingerprint, LiveGeneration live, boolean claimed) {
    inFlight.remove(fingerprint, live);
    if (claimed) {
      claims.remove(fingerprint, live.id());
      cacheInvalidate(inFlightKey(fingerprint));
    }
  }

  // ---------------------------------------------------------------- sweeper and shutdown

  /**
   * Ends every live row whose heartbeat is older than the lease as {@code error/interrupted},
   * keeping its stored text, and retries terminal rows that could not be written before. Runs on
   * its own schedule; call it to run it now.
   *
   * @return how many stale rows were ended
   */
  public int sweep() {
    for (int i = unpersisted.size(); i > 0; i--) {
      Generation terminal = unpersisted.poll();
      if (terminal == null) {
        break;
      }
      try {
        store.finish(terminal);
      } catch (RuntimeException e) {
        unpersisted.add(terminal);
      }
    }
    Set<String> queued = new java.util.HashSet<>();
    unpersisted.forEach(g -> queued.add(g.id()));
    Instant now = now();
    int ended = 0;
    for (Generation stale : store.findStale(now.minus(lease), 100)) {
      if (lives.containsKey(stale.id()) || queued.contains(stale.id())) {
        continue;
      }
      Instant lastSeen = stale.heartbeatAt() != null ? stale.heartbeatAt() : stale.createdAt();
      Generation interrupted =
          stale.toBuilder()
              .error(
                  ErrorType.INTERRUPTED,
                  "no heartbeat since " + lastSeen + ": the process working on it stopped")
              .completedAt(now)
              .updatedAt(now)
              .heartbeatAt(null)
              .build();
      if (store.finish(interrupted)) {
        ended++;
        log.warn(
            "generation {} had no heartbeat since {}; ended as interrupted", stale.id(), lastSeen);
      }
    }
    return ended;
  }

  private Instant now() {
    return clock.instant();
  }

  /** Runs one checkpoint tick now, on the calling thread (tests). */
  void checkpointNow() {
    checkpointer.tick();
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      log.warn("sweep failed: {}", e.toString());
    }
  }

  /**
   * Stops taking new work, waits up to the drain timeout for generations in flight, then stops the
   * rest: their rows end {@code error/interrupted} with the text so far. Shuts down the executor if
   * the generator made it (a supplied executor is left alone). Does not close the stores.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    waitForLives(deadline);
    if (!lives.isEmpty()) {
      log.warn(
          "{} generations still running after {}; interrupting them", lives.size(), drainTimeout);
      lives.values().forEach(live -> live.cancel(ErrorType.INTERRUPTED));
      waitForLives(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
      for (LiveGeneration live : lives.values()) {
        Generation interrupted =
            errorRecord(live, ErrorType.INTERRUPTED, "the generator was closed");
        try {
          store.finish(interrupted);
        } catch (RuntimeException e) {
          log.error("could not end generation {} on close: {}", live.id(), e.toString());
        }
        live.end(interrupted);
      }
    }
    for (Generation queued; (queued = unpersisted.poll()) != null; ) {
      try {
        store.finish(queued);
      } catch (RuntimeException e) {
        log.error(
            "the terminal row of generation {} could not be written before close; the row will be"
                + " swept as interrupted: {}",
            queued.id(),
            e.toString());
      }
    }
    checkpointer.close();
    sweeper.shutdownNow();
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    try {
      sweeper.awaitTermination(5, TimeUnit.SECONDS);
      if (ownedExecutor != null) {
        ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void waitForLives(long deadlineNanos) {
    while (!lives.isEmpty() && System.nanoTime() < deadlineNanos) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Follows a generation running in another process by polling the store. */
  private final class StoreFollower implements Runnable {
    private final GenerationStream stream;
    private final String id;
    private volatile boolean stopped;

    StoreFollower(GenerationStream stream, String id) {
      this.stream = stream;
      this.id = id;
    }

    void stop() {
      stopped = true;
    }

    @Override
    public void run() {
      int lastSeq = -1;
      long delivered = 0;
      try {
        while (!stopped) {
          for (dev.genvault.spi.Chunk chunk : store.chunks(id, lastSeq)) {
            stream.delta(chunk.text());
            delivered += chunk.text().length();
            lastSeq = chunk.seq();
          }
          Optional<GenerationStatus> status = store.status(id);
          if (status.isEmpty()) {
            stream.fail(new java.util.NoSuchElementException("generation " + id + " was deleted"));
            return;
          }
          // The whole record (and its text) is read once, at the end.
          Optional<Generation> g = status.get().isTerminal() ? store.find(id) : Optional.empty();
          if (g.isPresent()) {
            String text = g.get().text();
            if (text.length() > delivered) {
              stream.delta(text.substring((int) delivered));
            }
            stream.end(g.get());
            return;
          }
          sleeper.sleep(checkpointPolicy.interval());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stream.fail(new GenvaultException("interrupted while following " + id, id, e));
      } catch (RuntimeException e) {
        stream.fail(new GenvaultException("could not follow " + id + ": " + e.getMessage(), id, e));
      }
    }
  }

  // ---------------------------------------------------------------- builder

  /**
   * Builds a {@link PersistentGenerator}. Each setting may be set once; {@link #build()} checks
   * that a store was given.
   */
  public static final class Builder {
    private @Nullable GenerationStore store;
    private @Nullable BlobStore blobs;
    private @Nullable DedupCache cache;
    private @Nullable IdGenerator ids;
    private @Nullable Clock clock;
    private @Nullable Sleeper sleeper;
    private @Nullable Executor executor;
    private CheckpointPolicy checkpointPolicy = CheckpointPolicy.DEFAULT;
    private GenerationListener listener = GenerationListener.NONE;
    private CostCalculator costs = Pricing.bundled();
    private String baseUrl = "http://localhost:8080";
    private CacheScope cacheScope = CacheScope.USER;
    private Duration dedupTtl = Duration.ofDays(1);
    private Duration lease = Duration.ofSeconds(60);
    private Duration sweepInterval = Duration.ofSeconds(30);
    private Duration drainTimeout = Duration.ofSeconds(30);
    private Duration persistTimeout = Duration.ofSeconds(60);
    private long maxInputChars = 1_000_000;
    private StreamClosePolicy closePolicy = StreamClosePolicy.FINISH;
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

    /** How often streamed text is written; every 250 ms or 64 pieces by default. */
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
     * The base of generation URLs, e.g. {@code https://example.com/ai}; no trailing slash needed.
     * Without one, URLs point at {@code http://localhost:8080} (said once in the log).
     *
     * @throws IllegalArgumentException unless it is an {@code http://} or {@code https://} URL with
     *     a host
     */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String url = baseUrl.strip();
      if (url.isEmpty()) {
        throw new IllegalArgumentException("baseUrl is empty: give e.g. https://example.com/ai");
      }
      if (!url.contains("://")) {
        throw new IllegalArgumentException(
            "baseUrl '" + url + "' has no scheme: write https://" + url + " (or http://)");
      }
      java.net.URI uri;
      try {
        uri = new java.net.URI(url);
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("baseUrl is not a URL: " + e.getMessage(), e);
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException(
            "baseUrl must start with http:// or https://, not " + scheme + "://: " + url);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("baseUrl has no host: " + url);
      }
      once("baseUrl");
      this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      return this;
    }

    /** Whether the default base URL has been told about in this JVM (it is told once). */
    static final AtomicBoolean DEFAULT_BASE_URL_TOLD = new AtomicBoolean();

    private void tellDefaultBaseUrl() {
      if (!set.contains("baseUrl") && DEFAULT_BASE_URL_TOLD.compareAndSet(false, true)) {
        log.info(
            "Generation URLs point at {} because no base URL is set; set"
                + " PersistentGenerator.builder().baseUrl(\"https://your.host/path\") to where"
                + " GenerationRoutes serves them",
            baseUrl);
      }
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
    public Builder dedupTtl(Duration ttl) {
      once("dedupTtl");
      this.dedupTtl = positive("dedupTtl", ttl);
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
      tellDefaultBaseUrl();
      return new PersistentGenerator(this);
    }
  }
}
