package dev.genvault.spi;

import dev.genvault.Generation;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.Page;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@link GenerationStore} that passes every call to another one: extend it to decorate a store
 * (metrics, tracing, fault injection) by overriding only the methods you need. Every method is
 * forwarded, {@link #status} and {@link #owner} included, so the delegate's own cheaper reads stay
 * in use. Thread safe if the delegate is.
 */
public abstract class ForwardingGenerationStore implements GenerationStore {
  private final GenerationStore delegate;

  /** Forwards to the given store. */
  protected ForwardingGenerationStore(GenerationStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store calls are forwarded to. */
  protected GenerationStore delegate() {
    return delegate;
  }

  @Override
  public void insert(Generation generation) {
    delegate.insert(generation);
  }

  @Override
  public void insertTerminal(Generation generation) {
    delegate.insertTerminal(generation);
  }

  @Override
  public void appendChunks(List<Chunk> chunks, Instant at) {
    delegate.appendChunks(chunks, at);
  }

  @Override
  public void heartbeat(Collection<String> ids, Instant at) {
    delegate.heartbeat(ids, at);
  }

  @Override
  public boolean finish(Generation terminal) {
    return delegate.finish(terminal);
  }

  @Override
  public List<RowOutcome> insertAll(List<Generation> generations) {
    return delegate.insertAll(generations);
  }

  @Override
  public List<RowOutcome> finishAll(List<Generation> terminals) {
    return delegate.finishAll(terminals);
  }

  @Override
  public boolean writesBatchesAtOnce() {
    return delegate.writesBatchesAtOnce();
  }

  @Override
  public boolean keepsThreads() {
    return delegate.keepsThreads();
  }

  @Override
  public Optional<ThreadTip> threadTip(String id) {
    return delegate.threadTip(id);
  }

  @Override
  public Optional<ThreadTip> findThreadTip(
      @Nullable String userId, @Nullable String tenantId, List<Threads.Prefix> prefixes) {
    return delegate.findThreadTip(userId, tenantId, prefixes);
  }

  @Override
  public Optional<Generation> find(String id) {
    return delegate.find(id);
  }

  @Override
  public Optional<GenerationStatus> status(String id) {
    return delegate.status(id);
  }

  @Override
  public Optional<GenerationOwner> owner(String id) {
    return delegate.owner(id);
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
}
