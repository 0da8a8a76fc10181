package dev.genvault;

import dev.genvault.spi.DedupCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dedup cache as the generator uses it: every failure is logged and treated as a miss (a cache
 * outage never fails a generation), and the in-flight claims this process holds for single flight
 * across processes are kept here, renewed while their generation runs and released only while they
 * are still this process's own.
 *
 * <p>Keys carry the tenant before the fingerprint: {@code {tenant}:{fingerprint}} for a result and
 * {@code {tenant}:{fingerprint}:claim} for a claim, the tenant percent-encoded ({@code _} when
 * there is none), so a shared cache can be read, scanned or cleared tenant by tenant.
 */
final class FailOpenCache {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  private final DedupCache cache;
  private final Duration ttl;
  private final Duration lease;

  /** In-flight claims this process holds in the shared cache: claim key to generation ID. */
  private final ConcurrentHashMap<String, String> claims = new ConcurrentHashMap<>();

  FailOpenCache(DedupCache cache, Duration ttl, Duration lease) {
    this.cache = cache;
    this.ttl = ttl;
    this.lease = lease;
  }

  /** Whether this cache can deduplicate at all: not {@link DedupCache#none()}. */
  boolean dedups() {
    return cache != DedupCache.none();
  }

  /** The ID of a complete generation with this fingerprint, if cached. */
  Optional<String> result(@Nullable String tenant, String fingerprint) {
    return get(resultKey(tenant, fingerprint));
  }

  /** The ID of a generation with this fingerprint in flight in some process, if claimed. */
  Optional<String> inFlight(@Nullable String tenant, String fingerprint) {
    return get(claimKey(tenant, fingerprint));
  }

  private Optional<String> get(String key) {
    try {
      return cache.get(key);
    } catch (RuntimeException e) {
      log.warn("dedup cache read failed; treated as a miss: {}", e.toString());
      return Optional.empty();
    }
  }

  void put(@Nullable String tenant, String fingerprint, String id) {
    try {
      cache.put(resultKey(tenant, fingerprint), id, ttl);
    } catch (RuntimeException e) {
      log.warn("dedup cache write failed; the result is stored but not cached: {}", e.toString());
    }
  }

  void invalidate(@Nullable String tenant, String fingerprint) {
    try {
      cache.invalidate(resultKey(tenant, fingerprint));
    } catch (RuntimeException e) {
      log.warn("dedup cache invalidate failed: {}", e.toString());
    }
  }

  /**
   * Removes the cached result of a generation being erased, if the entry still names it. Unlike
   * every other method here a failure is thrown, not swallowed: an erasure must not report success
   * while an entry of the user's is left behind (the row it names is kept until it succeeds).
   */
  void eraseResult(@Nullable String tenant, String fingerprint, String id) {
    cache.removeIf(resultKey(tenant, fingerprint), id);
  }

  /** Claims the fingerprint for this generation across processes; false if taken or failing. */
  boolean claim(@Nullable String tenant, String fingerprint, String id) {
    String key = claimKey(tenant, fingerprint);
    boolean claimed;
    try {
      claimed = cache.putIfAbsent(key, id, lease);
    } catch (RuntimeException e) {
      log.warn("dedup cache claim failed; going ahead alone: {}", e.toString());
      return false;
    }
    if (claimed) {
      claims.put(key, id);
    }
    return claimed;
  }

  /** Gives up a claim this generation holds, unless it has lapsed and another process took it. */
  void release(@Nullable String tenant, String fingerprint, String id) {
    String key = claimKey(tenant, fingerprint);
    claims.remove(key, id);
    try {
      cache.invalidateIf(key, id);
    } catch (RuntimeException e) {
      log.warn("dedup cache release failed; the claim lapses with its lease: {}", e.toString());
    }
  }

  /**
   * Waits up to {@code maxWait} for the claim of generation {@code leader} to be released, if the
   * cache can watch keys.
   *
   * @return false if the cache cannot watch (or failed), so the caller waits by other means
   */
  boolean awaitRelease(@Nullable String tenant, String fingerprint, String leader, Duration maxWait)
      throws InterruptedException {
    try {
      return cache.awaitChange(claimKey(tenant, fingerprint), leader, maxWait);
    } catch (RuntimeException e) {
      log.debug("dedup cache wait failed; polling instead: {}", e.toString());
      return false;
    }
  }

  /**
   * Renews every claim held, for one more lease: a claim lives one lease, so a generation longer
   * than the lease is still joined, not started again, by other processes. A claim that lapsed and
   * was taken by another process is not renewed, and is dropped.
   */
  void renewClaims() {
    claims.forEach(
        (key, id) -> {
          try {
            if (!cache.renewIf(key, id, lease)) {
              claims.remove(key, id);
              log.warn(
                  "the in-flight claim of generation {} lapsed (it was not renewed within its"
                      + " lease); another process may run the same request",
                  id);
            }
          } catch (RuntimeException e) {
            log.debug("renewing the in-flight claim of {} failed: {}", id, e.toString());
          }
        });
  }

  /** Whether this process holds a claim for the generation (tests). */
  boolean holdsClaim(@Nullable String tenant, String fingerprint, String id) {
    return id.equals(claims.get(claimKey(tenant, fingerprint)));
  }

  static String resultKey(@Nullable String tenant, String fingerprint) {
    return tenantPart(tenant) + ':' + fingerprint;
  }

  static String claimKey(@Nullable String tenant, String fingerprint) {
    return tenantPart(tenant) + ':' + fingerprint + ":claim";
  }

  /**
   * The tenant as a key segment: letters, digits, {@code -}, {@code .} and {@code ~} as they are,
   * every other UTF-8 byte as {@code %XX}; {@code _} (which a tenant never encodes to) for none.
   */
  static String tenantPart(@Nullable String tenant) {
    if (tenant == null) {
      return "_";
    }
    StringBuilder out = new StringBuilder(tenant.length() + 8);
    for (byte b : tenant.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
