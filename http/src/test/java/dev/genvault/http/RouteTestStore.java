package dev.genvault.http;

import dev.genvault.Generation;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.Page;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import dev.genvault.spi.Chunk;
import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** An in-memory store that counts full-record reads, and whose reads can be made to fail. */
final class RouteTestStore extends ForwardingGenerationStore {
  final AtomicInteger finds = new AtomicInteger();
  volatile @Nullable RuntimeException readFailure;
  volatile @Nullable RuntimeException ownerFailure;

  RouteTestStore() {
    super(GenerationStore.inMemory());
  }

  /** Throws the failure, if there is one. */
  static void throwIfSet(@Nullable RuntimeException failure) {
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public Optional<Generation> find(String id) {
    finds.incrementAndGet();
    throwIfSet(readFailure);
    return super.find(id);
  }

  @Override
  public Optional<GenerationOwner> owner(String id) {
    throwIfSet(ownerFailure);
    return super.owner(id);
  }

  @Override
  public Optional<GenerationStatus> status(String id) {
    throwIfSet(readFailure);
    return super.status(id);
  }

  @Override
  public Page<Generation> list(GenerationQuery query) {
    throwIfSet(readFailure);
    return super.list(query);
  }

  @Override
  public List<SpendRow> spend(SpendQuery query) {
    throwIfSet(readFailure);
    return super.spend(query);
  }

  @Override
  public List<Chunk> chunks(String id, int afterSeq) {
    throwIfSet(readFailure);
    return super.chunks(id, afterSeq);
  }
}
