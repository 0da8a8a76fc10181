package dev.genvault;

import dev.genvault.spi.Chunk;
import dev.genvault.spi.GenerationQuery;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.Page;
import dev.genvault.spi.SpendQuery;
import dev.genvault.spi.SpendRow;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory store that can be made to fail, and that records its chunk writes. */
final class FlakyStore implements GenerationStore {
  final GenerationStore delegate = GenerationStore.inMemory();
  final AtomicBoolean insertDown = new AtomicBoolean();
  final AtomicBoolean chunksDown = new AtomicBoolean();
  final AtomicInteger finishFailures = new AtomicInteger();
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
    delegate.insert(generation);
  }

  @Override
  public void insertTerminal(Generation generation) {
    if (insertDown.get()) {
      throw outage("insert");
    }
    delegate.insertTerminal(generation);
  }

  @Override
  public void appendChunks(List<Chunk> chunks, Instant at) {
    if (chunksDown.get()) {
      failedChunkWrites.incrementAndGet();
      throw outage("chunks");
    }
    chunkWrites.add(List.copyOf(chunks));
    delegate.appendChunks(chunks, at);
  }

  @Override
  public void heartbeat(Collection<String> ids, Instant at) {
    delegate.heartbeat(ids, at);
  }

  @Override
  public boolean finish(Generation terminal) {
    if (finishFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw outage("finish");
    }
    return delegate.finish(terminal);
  }

  @Override
  public Optional<Generation> find(String id) {
    return delegate.find(id);
  }

  @Override
  public List<Chunk> chunks(String id, int afterSeq) {
    return delegate.chunks(id, afterSeq);
  }

  @Override
  public Page<Generation> list(GenerationQuery query) {
    return delegate.list(query);
  }

  @Override
  public List<SpendRow> spend(SpendQuery query) {
    return delegate.spend(query);
  }

  @Override
  public List<Generation> findStale(Instant heartbeatBefore, int limit) {
    return delegate.findStale(heartbeatBefore, limit);
  }

  @Override
  public boolean delete(String id) {
    return delegate.delete(id);
  }

  @Override
  public int deleteByUser(String userId) {
    return delegate.deleteByUser(userId);
  }

  List<Generation> all() {
    return delegate.list(GenerationQuery.builder().limit(1000).build()).items();
  }
}
