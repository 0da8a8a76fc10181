package dev.genvault;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.RowOutcome;
import dev.genvault.spi.ThreadTip;
import dev.genvault.spi.Threads;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Remembers the thread hashes of the chat generations this process has just ended, so that the next
 * turn of a conversation finds its parent without a query: the common case, where the same process
 * serves the next turn. Anything else goes to the store. A remembered generation deleted since
 * (here or by another process) is harmless: the store refuses the link and writes the turn whole.
 * Deletions through this store forget what they delete.
 */
final class RecentThreads extends ForwardingGenerationStore {
  private final Cache<String, ThreadTip> byHash;
  private final Cache<String, ThreadTip> byId;

  RecentThreads(GenerationStore store, long size) {
    super(store);
    this.byHash = cache(size);
    this.byId = cache(size);
  }

  private static Cache<String, ThreadTip> cache(long size) {
    return Caffeine.newBuilder()
        .maximumSize(size)
        .expireAfterAccess(Duration.ofHours(1))
        .executor(Runnable::run)
        .build();
  }

  /** Wraps a store that keeps threads; returns any other as it is. */
  static GenerationStore wrap(GenerationStore store) {
    return store.keepsThreads() ? new RecentThreads(store, 10_000) : store;
  }

  private void remember(Generation g) {
    String hash = Threads.hashOf(g);
    if (hash != null) {
      ThreadTip tip = new ThreadTip(g.id(), g.threadId(), g.userId(), g.tenantId(), hash);
      byHash.put(hash, tip);
      byId.put(g.id(), tip);
    }
  }

  @Override
  public void insert(Generation generation) {
    try {
      super.insert(generation);
    } catch (MissingParentException e) {
      forget(generation.parentId());
      throw e;
    }
  }

  @Override
  public void insertTerminal(Generation generation) {
    try {
      super.insertTerminal(generation);
    } catch (MissingParentException e) {
      forget(generation.parentId());
      throw e;
    }
    remember(generation);
  }

  /** Forgets a generation found gone (deleted elsewhere): the next turn asks the store. */
  private void forget(@Nullable String id) {
    if (id != null) {
      byHash.asMap().values().removeIf(t -> t.id().equals(id));
      byId.invalidate(id);
    }
  }

  @Override
  public boolean finish(Generation terminal) {
    boolean finished = super.finish(terminal);
    if (finished) {
      remember(terminal);
    }
    return finished;
  }

  @Override
  public List<RowOutcome> finishAll(List<Generation> terminals) {
    List<RowOutcome> outcomes = super.finishAll(terminals);
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i).isApplied()) {
        remember(terminals.get(i));
      }
    }
    return outcomes;
  }

  /** A generation named by {@code GenerationRequest.parentId}, most often the turn just ended. */
  @Override
  public Optional<ThreadTip> threadTip(String id) {
    ThreadTip tip = byId.getIfPresent(id);
    return tip != null ? Optional.of(tip) : super.threadTip(id);
  }

  @Override
  public Optional<ThreadTip> findThreadTip(
      @Nullable String userId, @Nullable String tenantId, List<Threads.Prefix> prefixes) {
    // Only the longest prefix is looked up here: the turn just before, which this process most
    // likely ended. Shorter ones, and misses, are the store's to find.
    if (!prefixes.isEmpty()) {
      ThreadTip tip = byHash.getIfPresent(prefixes.get(0).hash());
      if (tip != null
          && java.util.Objects.equals(tip.userId(), userId)
          && java.util.Objects.equals(tip.tenantId(), tenantId)) {
        return Optional.of(tip);
      }
    }
    return super.findThreadTip(userId, tenantId, prefixes);
  }

  @Override
  public boolean delete(String id) {
    boolean deleted = super.delete(id);
    forget(id);
    return deleted;
  }

  @Override
  public int deleteByUser(String userId) {
    int deleted = super.deleteByUser(userId);
    byHash.asMap().values().removeIf(t -> userId.equals(t.userId()));
    byId.asMap().values().removeIf(t -> userId.equals(t.userId()));
    return deleted;
  }
}
