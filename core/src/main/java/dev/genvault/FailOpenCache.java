package dev.genvault;

import dev.genvault.spi.DedupCache;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dedup cache as the generator uses it: every failure is logged and treated as a miss (a cache
 * outage never fails a generation), and the in-flight claims this process holds for single flight
 * across processes are kept here, renewed while their generation runs.
 */
final class FailOpenCache {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  private final DedupCache cache;
  private final Duration ttl;
  private final Duration lease;

  /** In-flight claims this process holds in the shared cache: fingerprint to generation ID. */
  private final ConcurrentHashMap<String, String> claims = new ConcurrentHashMap<>();

  FailOpenCache(DedupCache cache, Duration ttl, Duration lease) {
    this.cache = cache;
    this.ttl = ttl;
    this.lease = lease;
  }

  /** The ID of a complete generation with this fingerprint, if cached. */
  Optional<String> result(String fingerprint) {
    return get(fingerprint);
  }

  /** The ID of a generation with this fingerprint in flight in some process, if claimed. */
  Optional<String> inFlight(String fingerprint) {
    return get(inFlightKey(fingerprint));
  }

  private Optional<String> get(String key) {
    try {
      return cache.get(key);
    } catch (RuntimeException e) {
      log.warn("dedup cache read failed; treated as a miss: {}", e.toString());
      return Optional.empty();
    }
  }

  void put(String fingerprint, String id) {
    try {
      cache.put(fingerprint, id, ttl);
    } catch (RuntimeException e) {
      log.warn("dedup cache write failed; the result is stored but not cached: {}", e.toString());
    }
  }

  void invalidate(String fingerprint) {
    invalidateKey(fingerprint);
  }

  private void invalidateKey(String key) {
    try {
      cache.invalidate(key);
    } catch (RuntimeException e) {
      log.warn("dedup cache invalidate failed: {}", e.toString());
    }
  }

  /** Claims the fingerprint for this generation across processes; false if taken or failing. */
  boolean claim(String fingerprint, String id) {
    boolean claimed;
    try {
      claimed = cache.putIfAbsent(inFlightKey(fingerprint), id, lease);
    } catch (RuntimeException e) {
      log.warn("dedup cache claim failed; going ahead alone: {}", e.toString());
      return false;
    }
    if (claimed) {
      claims.put(fingerprint, id);
    }
    return claimed;
  }

  /** Gives up a claim this generation holds. */
  void release(String fingerprint, String id) {
    claims.remove(fingerprint, id);
    invalidateKey(inFlightKey(fingerprint));
  }

  /**
   * Renews every claim held, for one more lease: a claim lives one lease, so a generation longer
   * than the lease is still joined, not started again, by other processes.
   */
  void renewClaims() {
    claims.forEach(
        (fingerprint, id) -> {
          try {
            cache.put(inFlightKey(fingerprint), id, lease);
          } catch (RuntimeException e) {
            log.debug("renewing the in-flight claim of {} failed: {}", id, e.toString());
          }
        });
  }

  private static String inFlightKey(String fingerprint) {
    return "inflight:" + fingerprint;
  }
}
