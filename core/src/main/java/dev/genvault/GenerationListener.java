package dev.genvault;

import java.time.Duration;

/**
 * Sees what the generator does, for metrics and logs. Every method does nothing by default;
 * override the ones you need. Methods are called on the generator's threads and must be fast and
 * not throw (an exception is logged and ignored).
 */
public abstract class GenerationListener {
  /** A listener that does nothing. */
  public static final GenerationListener NONE = new GenerationListener() {};

  /** A generation's pending row was inserted and the client is about to be called. */
  public void started(Generation pending) {}

  /** The first delta of text arrived. */
  public void firstToken(String generationId) {}

  /**
   * A checkpoint wrote {@code chunks} chunks of {@code generations} generations in one write. The
   * {@code lag} is how long the oldest text in it had waited, from its arrival to the end of this
   * write: the most streamed text a crash just before the write could have lost, in time.
   */
  public void checkpoint(int chunks, int generations, Duration lag) {
    checkpoint(chunks, generations);
  }

  /**
   * A checkpoint wrote {@code chunks} chunks of {@code generations} generations in one write.
   *
   * @deprecated override {@link #checkpoint(int, int, Duration)}, which also gives the lag; this
   *     one is still called by its default
   */
  @Deprecated
  public void checkpoint(int chunks, int generations) {}

  /** A checkpoint write failed; its text is kept and written by a later one. */
  public void checkpointFailed(Throwable error) {}

  /** A generation completed and its row is terminal. */
  public void completed(Generation generation) {}

  /**
   * A generation failed; its row is {@link GenerationStatus#ERROR} (if the store could be reached).
   */
  public void failed(Generation generation, Throwable error) {}

  /**
   * What the generator added to a generation that called the model, on the injected clock: {@code
   * beforeCall} from its creation (the cache lookup, a budget reservation, the pending row, and for
   * {@code stream} and {@code submit} the wait for a worker thread) to the model call, and {@code
   * afterCall} from the model's answer or failure to its terminal row being stored (files stored,
   * pricing, the cache entry). A request that waited for an identical generation, which then
   * failed, counts from the end of that wait. Not called for requests served from the cache or by a
   * joined generation.
   */
  public void added(Generation generation, Duration beforeCall, Duration afterCall) {}

  /** A request was served from the dedup cache or a joined in-flight generation. */
  public void cacheHit(Generation copy, String originalId) {}
}
