package dev.genvault.spi;

import dev.genvault.Generation;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.Page;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where generations live: one row per generation plus its streamed chunks.
 *
 * <p><b>Thread safety:</b> implementations must be safe for use by many threads at once; each
 * method is atomic on its own.
 *
 * <p><b>Terminal rows are final:</b> once a row is {@link GenerationStatus#COMPLETE} or {@link
 * GenerationStatus#ERROR}, no method changes it again (except deletion).
 *
 * <p><b>Failures:</b> methods throw {@link dev.genvault.PersistenceException} (unchecked) when the
 * backend cannot do what was asked, with {@code isRetryable()} true when the same call may succeed
 * later. They never throw checked exceptions. Null arguments are rejected with {@link
 * NullPointerException}. A failure that no retry can cure (a value the backend cannot hold, a
 * constraint) must be reported with {@code isRetryable()} false: the generator then does not retry
 * it but ends the row {@code error/persistence_failed}.
 *
 * <p><b>Values:</b> a store keeps, whole, every value within these limits, which the generator
 * never exceeds for values a provider chooses (it cuts longer ones, ending them in {@code …}, and
 * replaces U+0000 and unpaired surrogates with U+FFFD): provider name 128 characters, provider
 * model and response ID 256, finish reason 64, attribute names and usage keys 256, attribute values
 * 65,536; the model 256 and user and tenant IDs 256 (requests refuse longer ones). Text and error
 * messages have no limit; a store that cannot hold U+0000 in them may replace it.
 *
 * <p><b>Threads:</b> a generation with a {@linkplain Generation#parentId() parent} continues an
 * earlier one: the first {@link Generation#inheritedMessages()} messages of its request are its
 * parent's messages and answer. A store that {@linkplain #keepsThreads() keeps threads} writes only
 * the messages after those, and still returns every request whole; it refuses a continuation whose
 * parent does not exist when the row is written with {@link dev.genvault.MissingParentException}
 * (nothing written; the generator then writes it whole, without the parent), never lets a deletion
 * break a continuation (see {@link #delete}), keeps each generation's {@linkplain
 * Generation#threadId() thread ID} as written, and answers {@link #threadTip} and {@link
 * #findThreadTip}, through which the generator finds parents. The caller vouches for the link: the
 * generator checks the parent's {@linkplain Threads#hashOf thread hash}, user and tenant first.
 *
 * <p>The contract is tested by {@code dev.genvault.tck.GenerationStoreContract}.
 */
public interface GenerationStore {

  /** A new, empty in-memory store for tests and demos. */
  static GenerationStore inMemory() {
    return new InMemoryGenerationStore();
  }

  /**
   * Inserts a new live row ({@link GenerationStatus#PENDING} or {@link
   * GenerationStatus#STREAMING}). When this returns, the row is durable.
   *
   * @throws dev.genvault.DuplicateGenerationException if a row with this ID exists (the existing
   *     row is unchanged)
   * @throws IllegalArgumentException if the generation is terminal
   */
  void insert(Generation generation);

  /**
   * Inserts a row that is terminal from the start, e.g. one served from the dedup cache.
   *
   * @throws dev.genvault.DuplicateGenerationException if a row with this ID exists
   * @throws IllegalArgumentException if the generation is not terminal
   */
  void insertTerminal(Generation generation);

  /**
   * Appends chunks of any number of generations in one atomic write (one transaction where the
   * backend has them). Idempotent: a chunk whose {@code (generationId, seq)} is already stored is
   * skipped. Chunks of unknown or terminal generations are ignored. A live generation that receives
   * a chunk moves from {@code pending} to {@code streaming}, gets {@code firstTokenAt} (the
   * earliest chunk's {@code createdAt}) if it had none, and its heartbeat and {@code updatedAt} are
   * set to {@code at}.
   */
  void appendChunks(List<Chunk> chunks, Instant at);

  /** Sets the heartbeat of those of the given generations that are still live. */
  void heartbeat(Collection<String> ids, Instant at);

  /**
   * Makes a live row terminal with the given record's result fields (status, error, text, finish
   * reason, tool calls, attributes, usage, cost, blobs, provider fields, {@code cachedFrom}, {@code
   * savedCost}, {@code firstTokenAt}, {@code completedAt}, {@code updatedAt}). The heartbeat is
   * cleared.
   *
   * @return true if the row was live and is now terminal; false if it was already terminal (it is
   *     left unchanged) or does not exist
   * @throws IllegalArgumentException if the given generation is not terminal
   */
  boolean finish(Generation terminal);

  /**
   * Inserts live rows as {@link #insert} does, as one write where the backend can: one transaction,
   * one commit, for all of them. Each row has its own outcome, in the order given: a duplicate ID
   * or a value the backend refuses fails that row alone, not its neighbours. When this returns,
   * every row whose outcome is {@linkplain RowOutcome#isApplied() applied} is durable. An outage
   * fails every row that was not written, each with the retryable exception.
   *
   * <p>The default calls {@link #insert} once per row. Stores with a real batch form override it,
   * and say so through {@link #writesBatchesAtOnce()}.
   *
   * @return one outcome per row, in the order given
   */
  default List<RowOutcome> insertAll(List<Generation> generations) {
    List<RowOutcome> outcomes = new ArrayList<>(generations.size());
    for (Generation g : generations) {
      try {
        insert(g);
        outcomes.add(RowOutcome.applied());
      } catch (RuntimeException e) {
        outcomes.add(RowOutcome.failed(e));
      }
    }
    return outcomes;
  }

  /**
   * Finishes rows as {@link #finish} does, as one write where the backend can. Each row has its own
   * outcome, in the order given: {@linkplain RowOutcome#isApplied() applied} where {@link #finish}
   * would return true, {@linkplain RowOutcome#notApplied() not applied} where it would return
   * false, failed where it would throw. When this returns, every applied row is durable.
   *
   * <p>The default calls {@link #finish} once per row.
   *
   * @return one outcome per row, in the order given
   */
  default List<RowOutcome> finishAll(List<Generation> terminals) {
    List<RowOutcome> outcomes = new ArrayList<>(terminals.size());
    for (Generation g : terminals) {
      try {
        outcomes.add(finish(g) ? RowOutcome.applied() : RowOutcome.notApplied());
      } catch (RuntimeException e) {
        outcomes.add(RowOutcome.failed(e));
      }
    }
    return outcomes;
  }

  /**
   * True if {@link #insertAll} and {@link #finishAll} write a batch at once (one transaction), so
   * that joining concurrent writes into batches saves commits. False by default: the default batch
   * forms loop over the single calls.
   */
  default boolean writesBatchesAtOnce() {
    return false;
  }

  /**
   * True if the store keeps threads (see the class comment): continuations cost only their new
   * messages. False by default: the generator then links nothing and every request is stored in
   * full.
   */
  default boolean keepsThreads() {
    return false;
  }

  /**
   * A generation's owner, thread and thread hash, without its text or request. Empty if no
   * generation has this ID, and from a store that does not keep threads (the default).
   */
  default Optional<ThreadTip> threadTip(String id) {
    return Optional.empty();
  }

  /**
   * The generation a new chat request continues: among the generations of exactly this user and
   * tenant (null matching only null) whose thread hash is one of the {@code prefixes}' hashes, one
   * with the earliest such prefix in the list (the longest shared conversation), the newest of
   * those. A store may look the candidates up by {@linkplain Threads.Prefix#key() key} (see {@link
   * Threads}) or by hash. Empty if none, and from a store that does not keep threads (the default).
   *
   * @param prefixes the request's {@linkplain Threads#prefixesOf prefixes}, longest first
   */
  default Optional<ThreadTip> findThreadTip(
      @Nullable String userId, @Nullable String tenantId, List<Threads.Prefix> prefixes) {
    return Optional.empty();
  }

  /**
   * The generation with this ID. For a live row, {@link Generation#text()} is its stored chunks
   * joined in order.
   */
  Optional<Generation> find(String id);

  /**
   * The status of a generation, without its text: what a follower polls. The default reads the
   * whole record; stores override it with a cheaper read.
   */
  default Optional<GenerationStatus> status(String id) {
    return find(id).map(Generation::status);
  }

  /**
   * Whose a generation is (its ID, user and tenant), without the rest of the record: what an access
   * check reads first, so that a generation the caller may not see is never loaded. Empty if no
   * generation has this ID. The default reads the whole record; stores override it with a read of
   * the owner columns alone.
   */
  default Optional<GenerationOwner> owner(String id) {
    return find(id).map(GenerationOwner::of);
  }

  /** The stored chunks of a generation with {@code seq > afterSeq}, in order; empty if none. */
  List<Chunk> chunks(String id, int afterSeq);

  /** Generations matching the query, newest first, one page at a time. */
  Page<Generation> list(GenerationQuery query);

  /**
   * Counts, token sums and exact cost sums, grouped as the query says, in no particular order. A
   * group without generations is not listed: no match, no rows.
   */
  List<SpendRow> spend(SpendQuery query);

  /**
   * Live rows whose heartbeat is older than {@code heartbeatBefore} (or that have none and were
   * created before it), oldest first, at most {@code limit}.
   */
  List<Generation> findStale(Instant heartbeatBefore, int limit);

  /**
   * Deletes a generation, its chunks and its blob references (not the blobs themselves). Its
   * continuations stay whole: in the same transaction, each of its children takes over its part of
   * the conversation (its own new messages and its answer) and its parent (none, holding its whole
   * request, if the deleted one had none). Thread IDs do not change: a thread keeps the ID of the
   * generation that began it.
   *
   * @return true if it existed
   */
  boolean delete(String id);

  /**
   * Deletes every generation of a user, with their chunks and blob references: their whole threads,
   * since a thread never links generations of different users.
   *
   * @return how many generations were deleted
   */
  int deleteByUser(String userId);
}
