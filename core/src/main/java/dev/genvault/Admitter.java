package dev.genvault;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 1–4 of a generation, on the caller's thread: validate, fingerprint, serve from the cache or
 * join an identical generation in flight (in this process or another), insert the pending row.
 */
final class Admitter {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  /** The fingerprint of every request where nothing deduplicates (see {@link GeneratorState}). */
  static final String NO_FINGERPRINT = "";

  private final GeneratorState s;
  private final FailOpenCache cache;
  private final Outcomes outcomes;
  private final Runner runner;

  Admitter(GeneratorState s, Runner runner) {
    this.s = s;
    this.cache = s.cache;
    this.outcomes = s.outcomes;
    this.runner = runner;
  }

  /** Steps 1–4 on the caller's thread: validate, fingerprint, dedup or join, insert pending. */
  Admission admit(GenerationRequest request, ModelClient client) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(client, "client");
    if (request.inputLength() > s.maxInputChars) {
      throw new IllegalArgumentException(
          "prompt is "
              + request.inputLength()
              + " characters, over the limit of "
              + s.maxInputChars
              + " (PersistentGenerator.Builder.maxInputChars)");
    }
    // Under a budget, a request without an output limit gets the one it is reserved for; the
    // client checks the request as it will be sent.
    request = s.budgets.capped(request);
    client.check(request);
    String user = request.userId();
    if (user == null) {
      return admitChecked(request, client);
    }
    // Counted before the erasing check, and an erasure marks the user before it waits for the
    // count to drop: either this admission sees the mark, or the erasure sees its row.
    s.admitting.merge(user, 1, Integer::sum);
    try {
      if (s.erasing.containsKey(user)) {
        throw new IllegalStateException(
            "user " + user + " is being erased; no new generation starts for them now");
      }
      return admitChecked(request, client);
    } finally {
      s.admitting.computeIfPresent(user, (u, n) -> n == 1 ? null : n - 1);
    }
  }

  /** Steps 2–4, once the request passed its checks. */
  private Admission admitChecked(GenerationRequest request, ModelClient client) {
    // Without a cache there is no reader of the fingerprint: no dedup and no single flight. A
    // client may also keep one request out of the cache (its answer depends on more than the
    // request, say tools it runs itself).
    boolean dedups = s.dedups && client.deduplicates(request);
    String fingerprint = dedups ? Fingerprint.of(request, s.cacheScope) : NO_FINGERPRINT;
    String id = IdGenerator.check(s.ids.newId());
    Instant now = s.now();

    ThreadLink link = ThreadLinker.link(s.store, request);
    Generation hit = dedups ? serveFromCache(request, client, fingerprint, id, now, link) : null;
    if (hit != null) {
      return new Admission(hit, runner);
    }
    // Before the row and the call: a generation over a budget leaves nothing behind.
    s.budgets.reserve(request, client.provider(), id, now);

    Generation pending =
        Generation.builder()
            .id(id)
            .request(request)
            .provider(ProviderValues.cut(client.provider(), ProviderValues.PROVIDER))
            .fingerprint(dedups ? fingerprint : null)
            .createdAt(now)
            .updatedAt(now)
            .heartbeatAt(now)
            .link(link)
            .build();
    LiveGeneration live =
        new LiveGeneration(
            pending, s.clock, s.blobs, s.checkpointer::deltas, () -> s.listener.firstToken(id));

    LiveGeneration localLeader = dedups ? s.inFlight.putIfAbsent(fingerprint, live) : null;
    String remoteLeader = null;
    boolean claimed = false;
    if (localLeader == null && dedups) {
      claimed = cache.claim(request.tenantId(), fingerprint, id);
      if (!claimed) {
        remoteLeader =
            cache
                .inFlight(request.tenantId(), fingerprint)
                .filter(other -> !other.equals(id))
                .orElse(null);
      }
    }
    try {
      try {
        s.store.insert(pending);
      } catch (MissingParentException e) {
        // The parent was deleted since it was found: the turn is written whole, same thread.
        pending = live.withoutParent();
        s.store.insert(pending);
      }
    } catch (RuntimeException e) {
      boolean retryable =
          !(e instanceof GenvaultException) || ((GenvaultException) e).isRetryable();
      if (retryable && insertedAnyway(live.pending)) {
        // An ambiguous commit: the connection failed after the database committed the row.
        log.warn(
            "inserting the pending row of generation {} failed ({}), yet the row is there: the"
                + " commit happened and only its answer was lost; the generation goes on",
            id,
            e.toString());
        return admitted(live, client, fingerprint, claimed, localLeader, remoteLeader);
      }
      runner.releaseFlight(fingerprint, live, claimed);
      s.budgets.release(id);
      throw new PersistenceException(
          "could not insert the pending row of generation "
              + id
              + "; the model was not called: "
              + e.getMessage(),
          id,
          retryable,
          e);
    }
    return admitted(live, client, fingerprint, claimed, localLeader, remoteLeader);
  }

  /** The pending row is stored: the generation is live in this process. */
  private Admission admitted(
      LiveGeneration live,
      ModelClient client,
      String fingerprint,
      boolean claimed,
      @Nullable LiveGeneration localLeader,
      @Nullable String remoteLeader) {
    s.lives.put(live.id(), live);
    s.listener.started(live.pending);
    if (localLeader != null || remoteLeader != null) {
      return new Admission(runner, live, client, fingerprint, false, localLeader, remoteLeader);
    }
    return new Admission(runner, live, client, fingerprint, claimed, null, null);
  }

  /**
   * Whether a pending row whose insert failed is there all the same: a row with its ID, made at its
   * time for its user (read once; a failing read is a no).
   */
  private boolean insertedAnyway(Generation pending) {
    try {
      return s.store
          .find(pending.id())
          .filter(
              row ->
                  row.createdAt().equals(pending.createdAt())
                      && Objects.equals(row.request().userId(), pending.request().userId())
                      && Objects.equals(row.request().model(), pending.request().model()))
          .isPresent();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Step 3: a new row copying a complete cached original, or null on a miss. */
  private @Nullable Generation serveFromCache(
      GenerationRequest request,
      ModelClient client,
      String fingerprint,
      String id,
      Instant now,
      @Nullable ThreadLink link) {
    Optional<String> originalId = cache.result(request.tenantId(), fingerprint);
    if (originalId.isEmpty()) {
      return null;
    }
    Generation original;
    try {
      original = s.store.find(originalId.get()).orElse(null);
    } catch (RuntimeException e) {
      log.warn("dedup lookup of {} failed; treated as a miss: {}", originalId.get(), e.toString());
      return null;
    }
    if (original == null
        || original.status() != GenerationStatus.COMPLETE
        || !fingerprint.equals(original.fingerprint())) {
      cache.invalidate(request.tenantId(), fingerprint);
      return null;
    }
    Generation copy =
        outcomes.copyOf(original, id, request, client.provider(), fingerprint, now, link);
    try {
      try {
        s.store.insertTerminal(copy);
      } catch (MissingParentException e) {
        copy = copy.toBuilder().link(Objects.requireNonNull(link).withoutParent()).build();
        s.store.insertTerminal(copy);
      }
    } catch (RuntimeException e) {
      throw new PersistenceException(
          "could not insert generation " + id + " served from the cache: " + e.getMessage(),
          id,
          true,
          e);
    }
    s.listener.cacheHit(copy, original.id());
    return copy;
  }
}
