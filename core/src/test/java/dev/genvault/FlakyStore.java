package dev.genvault;

import dev.genvault.spi.Chunk;
import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory store that can be made to fail, and that records its chunk writes. */
final class FlakyStore extends ForwardingGenerationStore {
  final AtomicBoolean insertDown = new AtomicBoolean();

  /** Inserts the row, then throws: the commit happened but its answer was lost. */
  final AtomicBoolean insertAnswerLost = new AtomicBoolean();

  final AtomicBoolean chunksDown = new AtomicBoolean();
  final AtomicInteger finishFailures = new AtomicInteger();

  FlakyStore() {
    super(GenerationStore.inMemory());
  }

  final List<List<Chunk>> chunkWrites = new CopyOnWriteArrayList<>();
  final AtomicInteger failedChunkWrites = new AtomicInteger();

  private static PersistenceException outage(String what) {
    return new PersistenceException("simulated outage: " + what, null);
  }

  @Override
  public void insert(Generation generation) {
    if (insertDown.get()) {
      throw outage("insert");
    }
    delegate().insert(generation);
    if (insertAnswerLost.get()) {
      throw outage("the connection broke after the commit");
    }
  }

  @Override
  public void insertTerminal(Generation generation) {
    if (insertDown.get()) {
      throw outage("insert");
    }
    delegate().insertTerminal(generation);
  }

  @Override
  public void appendChunks(List<Chunk> chunks, Instant at) {
    if (chunksDown.get()) {
      failedChunkWrites.incrementAndGet();
      throw outage("chunks");
    }
    chunkWrites.add(List.copyOf(chunks));
    delegate().appendChunks(chunks, at);
  }

  @Override
  public boolean finish(Generation terminal) {
    if (finishFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw outage("finish");
    }
    return delegate().finish(terminal);
  }

  List<Generation> all() {
    return list(GenerationQuery.builder().limit(1000).build()).items();
  }
}
