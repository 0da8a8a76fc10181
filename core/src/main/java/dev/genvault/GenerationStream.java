package dev.genvault;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The text of one generation as it arrives. Its {@link #id()} is known before the first token.
 *
 * <p>Iterate it (once) to receive each delta of text; iteration blocks until the next delta or the
 * end, and ends by throwing {@link GenerationFailedException} if the generation failed. {@link
 * #result()} waits for the stored record. Closing it early does not lose the generation: by default
 * it finishes and is persisted in the background ({@link StreamClosePolicy}).
 *
 * <p>Iterate from one thread at a time; {@link #id()}, {@link #result()} and {@link #close()} may
 * be called from any thread.
 */
public final class GenerationStream implements Iterable<String>, AutoCloseable {
  private static final Object END = new Object();

  private final String id;
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final CompletableFuture<Generation> result = new CompletableFuture<>();
  private final AtomicBoolean iterated = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Runnable onClose = () -> {};

  GenerationStream(String id) {
    this.id = id;
  }

  /** The generation's ID. */
  public String id() {
    return id;
  }

  void onClose(Runnable action) {
    this.onClose = action;
  }

  /** Delivers a delta of text to the reader. */
  void delta(String text) {
    if (!text.isEmpty()) {
      queue.add(text);
    }
  }

  /** Ends the stream with the terminal record. */
  void finish(Generation terminal) {
    if (result.complete(terminal)) {
      queue.add(END);
    }
  }

  /** Ends the stream without a record (the generation could not be read). */
  void fail(RuntimeException error) {
    if (result.completeExceptionally(error)) {
      queue.add(END);
    }
  }

  boolean isDone() {
    return result.isDone();
  }

  /**
   * The deltas of text in order. May be called once.
   *
   * @throws IllegalStateException when called a second time
   */
  @Override
  public Iterator<String> iterator() {
    if (!iterated.compareAndSet(false, true)) {
      throw new IllegalStateException("a GenerationStream can be iterated once");
    }
    return new Iterator<>() {
      private @Nullable Object next;
      private boolean ended;

      @Override
      public boolean hasNext() {
        if (next != null) {
          return true;
        }
        if (ended) {
          return false;
        }
        try {
          Object item = queue.take();
          if (item == END) {
            ended = true;
            checkFailure();
            return false;
          }
          next = item;
          return true;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new GenvaultException("interrupted while waiting for generation " + id, id, e);
        }
      }

      @Override
      public String next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        String text = (String) next;
        next = null;
        return text;
      }
    };
  }

  private void checkFailure() {
    Generation g = result();
    if (g.status() == GenerationStatus.ERROR) {
      ErrorType type = g.errorType() == null ? ErrorType.PROVIDER_ERROR : g.errorType();
      throw new GenerationFailedException(id, type, String.valueOf(g.errorMessage()), g, null);
    }
  }

  /**
   * Waits for the generation to end and returns its terminal record, {@link
   * GenerationStatus#COMPLETE} or {@link GenerationStatus#ERROR}; it does not throw for a failed
   * generation.
   *
   * @throws GenvaultException if interrupted, or if the record could not be read
   */
  public Generation result() {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GenvaultException("interrupted while waiting for generation " + id, id, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new GenvaultException("generation " + id + " could not be read", id, cause);
    }
  }

  /**
   * Stops reading. What happens to a generation still running depends on the {@link
   * StreamClosePolicy}.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && !result.isDone()) {
      onClose.run();
    }
  }

  @Override
  public String toString() {
    return "GenerationStream{id=" + id + (result.isDone() ? ", done" : "") + '}';
  }
}
