package dev.genvault.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * A key-value cache with per-entry time-to-live: request fingerprints to the ID of the generation
 * that answered them, and in-flight claims for single flight across processes.
 *
 * <p><b>Thread safety:</b> implementations must be safe for use by many threads (and, for shared
 * backends, many processes) at once. {@link #putIfAbsent} is atomic: of many concurrent callers on
 * one absent key exactly one wins.
 *
 * <p><b>Failing open:</b> a cache is an optimisation. Implementations bound every call with a short
 * timeout and report an outage by throwing a {@link RuntimeException}; the generator treats any
 * such exception as a miss and goes on, so a cache outage never fails a generation.
 *
 * <p><b>Claims:</b> single flight across processes stores a claim (the ID of the generation in
 * flight) with {@link #putIfAbsent} for one lease, renews it with {@link #renewIf} while the
 * generation runs and releases it with {@link #invalidateIf}. Both compare the value first, so an
 * owner whose claim expired and was taken by another process never extends or deletes the new
 * owner's claim. Every method touches one key, so a sharded backend needs no cross-key work.
 *
 * <p>The contract is tested by {@code dev.genvault.tck.DedupCacheContract}.
 */
public interface DedupCache {

  /**
   * A cache that stores nothing: every get misses and every putIfAbsent wins. A generator given it
   * deduplicates nothing: it computes no fingerprint (a hash of the whole request; records keep
   * none), and identical requests running at once are not joined but each call the model.
   */
  static DedupCache none() {
    return NoDedupCache.INSTANCE;
  }

  /** An in-process Caffeine cache holding at most {@code maxEntries}, on the system clock. */
  static DedupCache caffeine(long maxEntries) {
    return new CaffeineDedupCache(maxEntries, Clock.systemUTC());
  }

  /** An in-process Caffeine cache whose entries expire by the given clock (tests move it). */
  static DedupCache caffeine(long maxEntries, Clock clock) {
    return new CaffeineDedupCache(maxEntries, clock);
  }

  /** The live value under a key; empty if absent or expired. */
  Optional<String> get(String key);

  /**
   * Stores a value that expires after {@code ttl}, replacing any other.
   *
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  void put(String key, String value, Duration ttl);

  /**
   * Stores a value only if no live value is under the key.
   *
   * @return true if this call stored its value
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  boolean putIfAbsent(String key, String value, Duration ttl);

  /** Removes the value under a key; does nothing if there is none. */
  void invalidate(String key);

  /**
   * Removes the value under a key only if it is live and equal to {@code expected}, atomically
   * (compare-and-delete): releasing a claim deletes it only while it is still the caller's.
   *
   * @return true if this call removed the value
   */
  boolean invalidateIf(String key, String expected);

  /**
   * Removes the value under a key if it equals {@code expected}, as {@link #invalidateIf}, for an
   * erasure: unlike the other methods, which a cache may let fail open (a failure treated as a
   * miss), this one must throw when the cache could not be reached, so that the caller does not
   * report the entry gone while it is still there. The default calls {@link #invalidateIf}; a cache
   * that swallows failures there overrides it.
   *
   * @return true if this call removed the value
   * @throws RuntimeException if the cache could not be reached
   */
  default boolean removeIf(String key, String expected) {
    return invalidateIf(key, expected);
  }

  /**
   * Gives the value under a key a new time-to-live of {@code ttl} from now, only if it is live and
   * equal to {@code expected}, atomically (compare-and-renew): a claim is kept alive only by its
   * owner, and an expired one is not revived.
   *
   * @return true if this call renewed the value; false if it was absent, expired or another's
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  boolean renewIf(String key, String expected, Duration ttl);

  /**
   * Waits until the value under a key may no longer be {@code expected} (replaced, removed or
   * expired) or {@code maxWait} has passed, whichever is first. A cache that is told of changes
   * (Redis pub/sub, say) wakes a process waiting for another's generation as soon as its claim is
   * released; the caller still checks the outcome itself, so a missed notice only costs time.
   *
   * <p>The default cannot watch a key and returns {@code false} at once: the caller then waits by
   * its own means and polls.
   *
   * @return true if this cache watched the key (it returned on a change or after {@code maxWait});
   *     false if it cannot watch keys and returned at once
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  default boolean awaitChange(String key, String expected, Duration maxWait)
      throws InterruptedException {
    java.util.Objects.requireNonNull(key, "key");
    java.util.Objects.requireNonNull(expected, "expected");
    java.util.Objects.requireNonNull(maxWait, "maxWait");
    return false;
  }
}
