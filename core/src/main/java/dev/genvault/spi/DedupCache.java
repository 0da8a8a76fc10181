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
 * <p>The contract is tested by {@code dev.genvault.tck.DedupCacheContract}.
 */
public interface DedupCache {

  /** A cache that stores nothing: every get misses and every putIfAbsent wins. */
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
}
