package dev.genvault;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls the user's listener and keeps its exceptions away from the generator. */
final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private final GenerationListener delegate;

  Listeners(GenerationListener delegate) {
    this.delegate = delegate;
  }

  private void run(String event, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("listener failed on {}; ignored", event, e);
    }
  }

  void started(Generation pending) {
    run("started", () -> delegate.started(pending));
  }

  void firstToken(String id) {
    run("firstToken", () -> delegate.firstToken(id));
  }

  void checkpoint(int chunks, int generations, Duration lag) {
    run("checkpoint", () -> delegate.checkpoint(chunks, generations, lag));
  }

  void added(Generation g, Duration beforeCall, Duration afterCall) {
    run("added", () -> delegate.added(g, beforeCall, afterCall));
  }

  void checkpointFailed(Throwable error) {
    run("checkpointFailed", () -> delegate.checkpointFailed(error));
  }

  void completed(Generation g) {
    run("completed", () -> delegate.completed(g));
  }

  void failed(Generation g, Throwable error) {
    run("failed", () -> delegate.failed(g, error));
  }

  void cacheHit(Generation copy, String originalId) {
    run("cacheHit", () -> delegate.cacheHit(copy, originalId));
  }
}
