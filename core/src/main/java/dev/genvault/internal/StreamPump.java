package dev.genvault.internal;

import dev.genvault.Generation;
import dev.genvault.GenerationStream;
import java.util.Iterator;
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
  private boolean waiting;

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
      // Only a pump blocked waiting for text is woken: never the sink's own code.
      if (waiting && thread != null && thread != Thread.currentThread()) {
        thread.interrupt();
      }
    }
    stream.close();
  }

  /** True once {@link #cancel} was called. */
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * Pumps the whole stream into {@code sink}; run it on a thread that may block. A sink that throws
   * closes the stream (as a cancel does) and gets that exception in {@link Sink#fail}, unless it
   * threw from {@link Sink#end}: then nothing more is called.
   */
  public void run(Sink sink) {
    synchronized (this) {
      thread = Thread.currentThread();
      if (cancelled) {
        return;
      }
    }
    boolean ended = false;
    try {
      Iterator<String> pieces = stream.iterator();
      while (true) {
        boolean more;
        synchronized (this) {
          waiting = true;
        }
        try {
          more = pieces.hasNext();
        } finally {
          synchronized (this) {
            waiting = false;
          }
          if (cancelled) {
            Thread.interrupted(); // a cancel's wake-up is not the sink's
          }
        }
        if (cancelled) {
          return;
        }
        if (!more) {
          break;
        }
        sink.piece(pieces.next());
        if (cancelled) {
          return;
        }
      }
      Generation g = stream.result();
      if (!cancelled) {
        ended = true;
        sink.end(g);
      }
    } catch (RuntimeException e) {
      stream.close();
      if (!cancelled && !ended) {
        sink.fail(e);
      }
    } finally {
      if (cancelled) {
        Thread.interrupted();
      }
    }
  }
}
