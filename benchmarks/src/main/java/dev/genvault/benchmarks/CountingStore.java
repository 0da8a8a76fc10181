package dev.genvault.benchmarks;

import dev.genvault.Generation;
import dev.genvault.spi.Chunk;
import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.RowOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what reaches the real store: write transactions by kind (a batch is one), the text bytes
 * of chunks per generation, and each generation's final text size.
 */
/** Counts what reaches the real store. */
final class CountingStore extends ForwardingGenerationStore {
  final AtomicLong chunkWrites = new AtomicLong();
  final AtomicLong heartbeatWrites = new AtomicLong();
  final AtomicLong otherWrites = new AtomicLong();
  final Map<String, LongAdder> chunkBytes = new ConcurrentHashMap<>();
  final Map<String, Long> finalBytes = new ConcurrentHashMap<>();

  CountingStore(GenerationStore delegate) {
    super(delegate);
  }

  @Override
  public void insert(Generation g) {
    otherWrites.incrementAndGet();
    delegate().insert(g);
  }

  @Override
  public void insertTerminal(Generation g) {
    otherWrites.incrementAndGet();
    delegate().insertTerminal(g);
  }

  @Override
  public void appendChunks(List<Chunk> chunks, Instant at) {
    chunkWrites.incrementAndGet();
    for (Chunk c : chunks) {
      chunkBytes
          .computeIfAbsent(c.generationId(), k -> new LongAdder())
          .add(c.text().getBytes(StandardCharsets.UTF_8).length);
    }
    delegate().appendChunks(chunks, at);
  }

  @Override
  public void heartbeat(Collection<String> ids, Instant at) {
    heartbeatWrites.incrementAndGet();
    delegate().heartbeat(ids, at);
  }

  @Override
  public List<RowOutcome> insertAll(List<Generation> generations) {
    otherWrites.incrementAndGet(); // one transaction for the batch
    return delegate().insertAll(generations);
  }

  @Override
  public List<RowOutcome> finishAll(List<Generation> terminals) {
    otherWrites.incrementAndGet();
    for (Generation t : terminals) {
      finalBytes.put(t.id(), (long) t.text().getBytes(StandardCharsets.UTF_8).length);
    }
    return delegate().finishAll(terminals);
  }

  @Override
  public boolean finish(Generation terminal) {
    otherWrites.incrementAndGet();
    finalBytes.put(terminal.id(), (long) terminal.text().getBytes(StandardCharsets.UTF_8).length);
    return delegate().finish(terminal);
  }
}
