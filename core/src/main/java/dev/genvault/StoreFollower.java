package dev.genvault;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

/**
 * Follows a generation running in another process by polling the store: new chunks and the status
 * each checkpoint interval, the whole record once, at the end.
 */
final class StoreFollower implements Runnable {
  private final GeneratorState s;
  private final GenerationStream stream;
  private final String id;
  private volatile boolean stopped;

  /**
   * The text of any generation: a live one of this process through its subscription, a finished one
   * from its row, and one live in another process by polling the store.
   */
  static GenerationStream follow(GeneratorState state, String id) {
    Objects.requireNonNull(id, "id");
    GenerationStream stream = new GenerationStream(id);
    LiveGeneration live = state.lives.get(id);
    if (live != null) {
      stream.onClose(() -> live.unsubscribe(stream));
      live.subscribe(stream);
      return stream;
    }
    Generation stored =
        state
            .store
            .find(id)
            .orElseThrow(() -> new java.util.NoSuchElementException("no generation " + id));
    if (stored.isTerminal()) {
      stream.delta(stored.text());
      stream.finish(stored);
      return stream;
    }
    StoreFollower follower = new StoreFollower(state, stream, id);
    stream.onClose(follower::stop);
    try {
      state.executor.execute(follower);
    } catch (RejectedExecutionException e) {
      stream.fail(new GenvaultException("cannot follow " + id + ": the executor refused", id, e));
    }
    return stream;
  }

  StoreFollower(GeneratorState s, GenerationStream stream, String id) {
    this.s = s;
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
        for (dev.genvault.spi.Chunk chunk : s.store.chunks(id, lastSeq)) {
          stream.delta(chunk.text());
          delivered += chunk.text().length();
          lastSeq = chunk.seq();
        }
        Optional<GenerationStatus> status = s.store.status(id);
        if (status.isEmpty()) {
          stream.fail(new java.util.NoSuchElementException("generation " + id + " was deleted"));
          return;
        }
        // The whole record (and its text) is read once, at the end.
        Optional<Generation> g = status.get().isTerminal() ? s.store.find(id) : Optional.empty();
        if (g.isPresent()) {
          String text = g.get().text();
          if (text.length() > delivered) {
            stream.delta(text.substring((int) delivered));
          }
          stream.finish(g.get());
          return;
        }
        s.sleeper.sleep(s.checkpointPolicy.interval());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stream.fail(new GenvaultException("interrupted while following " + id, id, e));
    } catch (RuntimeException e) {
      stream.fail(new GenvaultException("could not follow " + id + ": " + e.getMessage(), id, e));
    }
  }
}
