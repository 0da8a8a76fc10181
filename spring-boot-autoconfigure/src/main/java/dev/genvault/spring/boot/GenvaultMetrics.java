package dev.genvault.spring.boot;

import dev.genvault.Generation;
import dev.genvault.GenerationListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The generator's Micrometer meters:
 *
 * <ul>
 *   <li>{@code genvault.generations}, by {@code status} ({@code complete}, {@code error}) and
 *       {@code error.type};
 *   <li>{@code genvault.cache.hits}: requests answered from the dedup cache or a joined generation;
 *   <li>{@code genvault.spend}: the estimated cost of completed generations, in US dollars;
 *   <li>{@code genvault.first.token}: from the stored pending row to the first text;
 *   <li>{@code genvault.checkpoints} and {@code genvault.checkpoint.failures}: the writes of
 *       streamed text, and those that failed (their text is kept for a later one);
 *   <li>{@code genvault.checkpoint.lag}: per write, how long its oldest text had waited for it;
 *   <li>{@code genvault.added}: the time the generator added to a generation that called the model,
 *       by {@code phase}: {@code before.call} (from its creation to the model call: cache, budget,
 *       pending row) and {@code after.call} (from the answer to the caller released: files, the
 *       terminal row, the cache entry).
 * </ul>
 */
public final class GenvaultMetrics extends GenerationListener {
  private final MeterRegistry registry;
  private final Counter cacheHits;
  private final Counter spend;
  private final Counter checkpoints;
  private final Counter checkpointFailures;
  private final Timer firstToken;
  private final Timer checkpointLag;
  private final Timer addedBefore;
  private final Timer addedAfter;
  private final Map<String, Long> started = new ConcurrentHashMap<>();

  /** Meters in {@code registry}. */
  public GenvaultMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.cacheHits = registry.counter("genvault.cache.hits");
    this.spend =
        Counter.builder("genvault.spend")
            .baseUnit("usd")
            .description("Estimated cost of completed generations")
            .register(registry);
    this.checkpoints = registry.counter("genvault.checkpoints");
    this.checkpointFailures = registry.counter("genvault.checkpoint.failures");
    this.firstToken = registry.timer("genvault.first.token");
    this.checkpointLag =
        Timer.builder("genvault.checkpoint.lag")
            .description("How long the oldest streamed text in a checkpoint waited for it")
            .register(registry);
    this.addedBefore = added(registry, "before.call");
    this.addedAfter = added(registry, "after.call");
  }

  private static Timer added(MeterRegistry registry, String phase) {
    return Timer.builder("genvault.added")
        .description("Time the generator added to a generation that called the model")
        .tag("phase", phase)
        .register(registry);
  }

  @Override
  public void started(Generation pending) {
    started.put(pending.id(), System.nanoTime());
  }

  @Override
  public void firstToken(String generationId) {
    Long t0 = started.remove(generationId);
    if (t0 != null) {
      firstToken.record(Duration.ofNanos(System.nanoTime() - t0));
    }
  }

  @Override
  public void checkpoint(int chunks, int generations, Duration lag) {
    checkpoints.increment();
    checkpointLag.record(lag);
  }

  @Override
  public void added(Generation generation, Duration beforeCall, Duration afterCall) {
    addedBefore.record(beforeCall);
    addedAfter.record(afterCall);
  }

  @Override
  public void checkpointFailed(Throwable error) {
    checkpointFailures.increment();
  }

  @Override
  public void completed(Generation generation) {
    started.remove(generation.id());
    registry
        .counter("genvault.generations", "status", "complete", "error.type", "none")
        .increment();
    if (generation.cost() != null) {
      spend.increment(generation.cost().usd().doubleValue());
    }
  }

  @Override
  public void failed(Generation generation, Throwable error) {
    started.remove(generation.id());
    String type = generation.errorType() == null ? "unknown" : generation.errorType().wireName();
    registry.counter("genvault.generations", "status", "error", "error.type", type).increment();
  }

  @Override
  public void cacheHit(Generation copy, String originalId) {
    cacheHits.increment();
  }
}
