package dev.genvault.internal;

import dev.genvault.Generation;
import dev.genvault.GenerationStream;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Hands one generation's text to a framework's callbacks on a thread of its own, then its stored
 * record or its failure: how the LangChain4j and Spring AI adapters stream. {@link #cancel} (from a
 * callback, or from any other thread) closes the generation's stream, stops the callbacks, and
 * wakes the pumping thread if it waits for text, which a closed stream would never bring.
 */
public final class StreamPump {
  /** Where the text goes. Each method is called on the pumping thread; none after a cancel. */
  public interface Sink {
    /** A piece of text, in order. */
    void piece(String text);

    /** The generation ended and its record is stored (complete: a failed one goes to fail). */
    void end(Generation generation);

    /** The generation failed, or its record could not be read. */
    void fail(RuntimeException failure);
  }

  private final GenerationStream stream;
  private @Nullable Thread thread;
  private volatile boolean cancelled;
  private boolean running = true;

  /** A pump for {@code stream}, which it reads once. */
  public StreamPump(GenerationStream stream) {
    this.stream = Objects.requireNonNull(stream, "stream");
  }

  /** The generation's ID. */
  public String id() {
    return stream.id();
  }

  /** Stops the callbacks and closes the generation's stream (its close policy then applies). */
  public void cancel() {
    synchronized (this) {
      cancelled = true;
      if (running && thread != null && thread != Thread.currentThread()) {
        thread.interrupt();
      }
    }
    stream.close();
  }

  /** True once {@link #cancel} was called. */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Pumps the whole stream into {@code sink}; run it on a thread that may block. */
  public void run(Sink sink) {
    synchronized (this) {
      thread = Thread.currentThread();
      if (cancelled) {
        running = false;
        return;
      }
    }
    try {
      for (String piece : stream) {
        sink.piece(piece);
        if (cancelled) {
          return;
        }
      }
      Generation g = stream.result();
      if (!cancelled) {
        sink.end(g);
      }
    } catch (RuntimeException e) {
      if (!cancelled) {
        sink.fail(e);
      }
    } finally {
      synchronized (this) {
        running = false;
      }
      if (cancelled) {
        Thread.interrupted(); // a cancel's wake-up is not the next task's
      }
    }
  }
}
