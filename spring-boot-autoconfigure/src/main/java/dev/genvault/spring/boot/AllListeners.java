package dev.genvault.spring.boot;

import dev.genvault.Generation;
import dev.genvault.GenerationListener;
import java.time.Duration;
import java.util.List;

/** Every listener bean, each told in turn (the generator takes one). */
final class AllListeners extends GenerationListener {
  private final List<GenerationListener> listeners;

  AllListeners(List<GenerationListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void started(Generation pending) {
    listeners.forEach(l -> l.started(pending));
  }

  @Override
  public void firstToken(String generationId) {
    listeners.forEach(l -> l.firstToken(generationId));
  }

  @Override
  public void checkpoint(int chunks, int generations, Duration lag) {
    listeners.forEach(l -> l.checkpoint(chunks, generations, lag));
  }

  @Override
  public void added(Generation generation, Duration beforeCall, Duration afterCall) {
    listeners.forEach(l -> l.added(generation, beforeCall, afterCall));
  }

  @Override
  public void checkpointFailed(Throwable error) {
    listeners.forEach(l -> l.checkpointFailed(error));
  }

  @Override
  public void completed(Generation generation) {
    listeners.forEach(l -> l.completed(generation));
  }

  @Override
  public void failed(Generation generation, Throwable error) {
    listeners.forEach(l -> l.failed(generation, error));
  }

  @Override
  public void cacheHit(Generation copy, String originalId) {
    listeners.forEach(l -> l.cacheHit(copy, originalId));
  }
}
