package dev.genvault.spi;

import dev.genvault.DuplicateGenerationException;
import dev.genvault.Generation;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.MissingParentException;
import dev.genvault.Page;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import dev.genvault.ThreadLink;
import dev.genvault.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory {@link GenerationStore}: one lock around its maps. It keeps threads: links are kept
 * (each request is held whole, so nothing is written twice to begin with), thread hashes are
 * indexed, and a thread's first generation is found by walking the links at read time.
 */
final class InMemoryGenerationStore implements GenerationStore {
  private static final Comparator<Generation> NEWEST_FIRST =
      Comparator.comparing(Generation::createdAt).thenComparing(Generation::id).reversed();

  private final Map<String, Generation> rows = new HashMap<>();
  private final Map<String, TreeMap<Integer, Chunk>> chunks = new HashMap<>();
  private final Map<String, String> threadHashes = new HashMap<>();
  private final Map<String, java.util.Set<String>> idsByHash = new HashMap<>();

  @Override
  public synchronized void insert(Generation generation) {
    if (generation.isTerminal()) {
      throw new IllegalArgumentException("insert takes a live generation: " + generation);
    }
    put(generation);
  }

  @Override
  public synchronized void insertTerminal(Generation generation) {
    if (!generation.isTerminal()) {
      throw new IllegalArgumentException(
          "insertTerminal takes a terminal generation: " + generation);
    }
    put(generation.toBuilder().heartbeatAt(null).build());
  }

  private void put(Generation generation) {
    if (rows.containsKey(generation.id())) {
      throw new DuplicateGenerationException(generation.id());
    }
    Generation row = generation;
    if (row.parentId() != null && !rows.containsKey(row.parentId())) {
      throw new MissingParentException(row.id(), null);
    }
    rows.put(row.id(), row);
    indexThreadHash(row);
  }

  private void indexThreadHash(Generation row) {
    String hash = Threads.hashOf(row);
    if (hash != null) {
      threadHashes.put(row.id(), hash);
      idsByHash.computeIfAbsent(hash, k -> new java.util.HashSet<>()).add(row.id());
    }
  }

  @Override
  public synchronized void appendChunks(List<Chunk> newChunks, Instant at) {
    Objects.requireNonNull(at, "at");
    Map<String, Instant> firstSeen = new HashMap<>();
    for (Chunk chunk : newChunks) {
      Generation row = rows.get(chunk.generationId());
      if (row == null || row.isTerminal()) {
        continue;
      }
      TreeMap<Integer, Chunk> stored =
          chunks.computeIfAbsent(chunk.generationId(), k -> new TreeMap<>());
      stored.putIfAbsent(chunk.seq(), chunk);
      firstSeen.merge(chunk.generationId(), chunk.createdAt(), (a, b) -> a.isBefore(b) ? a : b);
    }
    firstSeen.forEach(
        (id, first) -> {
          Generation row = rows.get(id);
          rows.put(
              id,
              row.toBuilder()
                  .status(GenerationStatus.STREAMING)
                  .firstTokenAt(row.firstTokenAt() == null ? first : row.firstTokenAt())
                  .heartbeatAt(at)
                  .updatedAt(at)
                  .build());
        });
  }

  @Override
  public synchronized void heartbeat(Collection<String> ids, Instant at) {
    Objects.requireNonNull(at, "at");
    for (String id : ids) {
      Generation row = rows.get(id);
      if (row != null && !row.isTerminal()) {
        rows.put(id, row.toBuilder().heartbeatAt(at).build());
      }
    }
  }

  @Override
  public synchronized boolean finish(Generation terminal) {
    if (!terminal.isTerminal()) {
      throw new IllegalArgumentException("finish takes a terminal generation: " + terminal);
    }
    Generation row = rows.get(terminal.id());
    if (row == null || row.isTerminal()) {
      return false;
    }
    Generation.Builder updated = row.toBuilder();
    if (terminal.status() == GenerationStatus.ERROR) {
      updated.error(Objects.requireNonNull(terminal.errorType()), terminal.errorMessage());
    } else {
      updated.status(GenerationStatus.COMPLETE);
    }
    Generation finished =
        updated
            .text(terminal.text())
            .finishReason(terminal.finishReason())
            .usage(terminal.usage())
            .cost(terminal.cost())
            .blobs(terminal.blobs())
            .toolCalls(terminal.toolCalls())
            .attributes(terminal.attributes())
            .provider(terminal.provider())
            .providerModel(terminal.providerModel())
            .providerResponseId(terminal.providerResponseId())
            .cachedFrom(terminal.cachedFrom())
            .savedCost(terminal.savedCost())
            .firstTokenAt(
                terminal.firstTokenAt() != null ? terminal.firstTokenAt() : row.firstTokenAt())
            .completedAt(terminal.completedAt())
            .heartbeatAt(null)
            .updatedAt(terminal.updatedAt())
            .build();
    rows.put(terminal.id(), finished);
    indexThreadHash(finished);
    return true;
  }

  @Override
  public boolean keepsThreads() {
    return true;
  }

  @Override
  public synchronized Optional<ThreadTip> threadTip(String id) {
    Objects.requireNonNull(id, "id");
    return Optional.ofNullable(rows.get(id)).map(this::tipOf);
  }

  private ThreadTip tipOf(Generation g) {
    return new ThreadTip(g.id(), g.threadId(), g.userId(), g.tenantId(), threadHashes.get(g.id()));
  }

  @Override
  public synchronized Optional<ThreadTip> findThreadTip(
      @Nullable String userId, @Nullable String tenantId, List<Threads.Prefix> prefixes) {
    // Longest prefix first; among equal ones, the newest.
    for (Threads.Prefix prefix : prefixes) {
      Generation best = null;
      for (String id : idsByHash.getOrDefault(prefix.hash(), java.util.Set.of())) {
        Generation g = rows.get(id);
        if (Objects.equals(userId, g.userId())
            && Objects.equals(tenantId, g.tenantId())
            && (best == null || NEWEST_FIRST.compare(g, best) < 0)) {
          best = g;
        }
      }
      if (best != null) {
        return Optional.of(tipOf(best));
      }
    }
    return Optional.empty();
  }

  /** The row as read: its text from chunks while live. */
  private Generation read(Generation row) {
    return withText(row);
  }

  @Override
  public synchronized Optional<Generation> find(String id) {
    Objects.requireNonNull(id, "id");
    Generation row = rows.get(id);
    if (row == null) {
      return Optional.empty();
    }
    return Optional.of(read(row));
  }

  @Override
  public synchronized Optional<GenerationOwner> owner(String id) {
    Objects.requireNonNull(id, "id");
    return Optional.ofNullable(rows.get(id)).map(GenerationOwner::of);
  }

  private Generation withText(Generation row) {
    if (row.isTerminal()) {
      return row;
    }
    TreeMap<Integer, Chunk> stored = chunks.get(row.id());
    if (stored == null) {
      return row;
    }
    StringBuilder text = new StringBuilder();
    for (Chunk c : stored.values()) {
      text.append(c.text());
    }
    return row.toBuilder().text(text.toString()).build();
  }

  @Override
  public synchronized List<Chunk> chunks(String id, int afterSeq) {
    Objects.requireNonNull(id, "id");
    TreeMap<Integer, Chunk> stored = chunks.get(id);
    if (stored == null) {
      return List.of();
    }
    return List.copyOf(stored.tailMap(afterSeq, false).values());
  }

  @Override
  public synchronized Page<Generation> list(GenerationQuery query) {
    List<Generation> matching = new ArrayList<>();
    for (Generation g : rows.values()) {
      if (matches(query, g)
          && query.threadId().map(t -> t.equals(g.threadId())).orElse(true)
          && (!query.lastTurnsOnly() || !hasChildren(g.id()))) {
        matching.add(g);
      }
    }
    matching.sort(NEWEST_FIRST);
    List<Generation> page = new ArrayList<>();
    for (Generation g : matching) {
      if (page.size() == query.limit()) {
        Generation last = page.get(page.size() - 1);
        return new Page<>(page, new PageCursor(last.createdAt(), last.id()).encode());
      }
      page.add(read(g));
    }
    return new Page<>(page, null);
  }

  private static boolean matches(GenerationQuery q, Generation g) {
    if (q.userId().isPresent() && !q.userId().get().equals(g.userId())) {
      return false;
    }
    if (q.tenantId().isPresent() && !q.tenantId().get().equals(g.tenantId())) {
      return false;
    }
    if (q.model().isPresent() && !q.model().get().equals(g.model())) {
      return false;
    }
    if (q.status().isPresent() && q.status().get() != g.status()) {
      return false;
    }
    if (q.createdFrom().isPresent() && g.createdAt().isBefore(q.createdFrom().get())) {
      return false;
    }
    if (q.createdBefore().isPresent() && !g.createdAt().isBefore(q.createdBefore().get())) {
      return false;
    }
    if (q.after().isPresent()) {
      PageCursor after = q.after().get();
      int c = g.createdAt().compareTo(after.createdAt());
      // Newest first: the next page holds items strictly "older" than the cursor.
      return c < 0 || (c == 0 && g.id().compareTo(after.id()) < 0);
    }
    return true;
  }

  @Override
  public synchronized List<SpendRow> spend(SpendQuery query) {
    Map<List<Object>, long[]> counts = new HashMap<>();
    Map<List<Object>, BigDecimal> costs = new HashMap<>();
    Map<List<Object>, SpendRow> keys = new HashMap<>();
    for (Generation g : rows.values()) {
      if (g.createdAt().isBefore(query.createdFrom())
          || !g.createdAt().isBefore(query.createdBefore())) {
        continue;
      }
      if (query.userId().isPresent() && !query.userId().get().equals(g.userId())) {
        continue;
      }
      if (query.tenantId().isPresent() && !query.tenantId().get().equals(g.tenantId())) {
        continue;
      }
      if (query.threadId().isPresent() && !query.threadId().get().equals(g.threadId())) {
        continue;
      }
      String user = query.groupBy().contains(SpendQuery.Dimension.USER) ? g.userId() : null;
      String model = query.groupBy().contains(SpendQuery.Dimension.MODEL) ? g.model() : null;
      LocalDate day =
          query.groupBy().contains(SpendQuery.Dimension.DAY)
              ? LocalDate.ofInstant(g.createdAt(), ZoneOffset.UTC)
              : null;
      List<Object> key = java.util.Arrays.asList(user, model, day);
      keys.putIfAbsent(key, new SpendRow(user, model, day, 0, 0, 0, BigDecimal.ZERO));
      long[] c = counts.computeIfAbsent(key, k -> new long[4]);
      c[0]++;
      Usage usage = g.usage();
      c[1] += value(usage == null ? null : usage.inputTokens());
      c[2] += value(usage == null ? null : usage.outputTokens());
      if (g.cost() != null) {
        costs.merge(key, g.cost().usd(), BigDecimal::add);
      } else {
        c[3]++;
      }
    }
    List<SpendRow> result = new ArrayList<>();
    keys.forEach(
        (key, k) -> {
          long[] c = counts.get(key);
          result.add(
              new SpendRow(
                  k.userId(),
                  k.model(),
                  k.day(),
                  c[0],
                  c[1],
                  c[2],
                  costs.getOrDefault(key, BigDecimal.ZERO),
                  c[3]));
        });
    return result;
  }

  private static long value(@Nullable Long v) {
    return v == null ? 0 : v;
  }

  @Override
  public synchronized List<Generation> findStale(Instant heartbeatBefore, int limit) {
    List<Generation> stale = new ArrayList<>();
    for (Generation g : rows.values()) {
      if (g.isTerminal()) {
        continue;
      }
      Instant beat = g.heartbeatAt() != null ? g.heartbeatAt() : g.createdAt();
      if (beat.isBefore(heartbeatBefore)) {
        stale.add(g);
      }
    }
    stale.sort(
        Comparator.comparing(
                (Generation g) -> g.heartbeatAt() != null ? g.heartbeatAt() : g.createdAt())
            .thenComparing(Generation::id));
    List<Generation> result = new ArrayList<>();
    for (Generation g : stale.subList(0, Math.min(limit, stale.size()))) {
      result.add(read(g));
    }
    return result;
  }

  private boolean hasChildren(String id) {
    for (Generation g : rows.values()) {
      if (id.equals(g.parentId())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized boolean delete(String id) {
    Objects.requireNonNull(id, "id");
    Generation gone = rows.get(id);
    if (gone == null) {
      return false;
    }
    // Each child takes over the deleted generation's place: its parent (and so as many inherited
    // messages as it had), or no parent when it had none; the thread keeps its ID.
    ThreadLink up =
        gone.parentId() != null ? gone.link() : new ThreadLink(null, gone.threadId(), 0);
    for (Generation g : List.copyOf(rows.values())) {
      if (id.equals(g.parentId())) {
        rows.put(g.id(), g.toBuilder().link(up).build());
      }
    }
    chunks.remove(id);
    String hash = threadHashes.remove(id);
    if (hash != null) {
      idsByHash.get(hash).remove(id);
    }
    rows.remove(id);
    return true;
  }

  @Override
  public synchronized int deleteByUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    List<String> ids = new ArrayList<>();
    for (Generation g : rows.values()) {
      if (userId.equals(g.userId())) {
        ids.add(g.id());
      }
    }
    ids.forEach(this::delete);
    return ids.size();
  }
}
