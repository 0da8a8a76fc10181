package dev.genvault.spi;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** The Caffeine {@link DedupCache}: per-entry expiry, time read from a {@link Clock}. */
final class CaffeineDedupCache implements DedupCache {
  private record Entry(String value, long expiresAtNanos) {}

  private final Cache<String, Entry> cache;
  private final Clock clock;

  CaffeineDedupCache(long maxEntries, Clock clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cache =
        Caffeine.newBuilder()
            // Maintenance on the calling thread: the default hands it to the common pool, which
            // wakes a pool thread on every write (measured as ~12% of a generation's CPU).
            .executor(Runnable::run)
            .maximumSize(maxEntries)
            .ticker(this::nanos)
            .expireAfter(
                new Expiry<String, Entry>() {
                  @Override
                  public long expireAfterCreate(String key, Entry entry, long currentTime) {
                    return Math.max(0, entry.expiresAtNanos() - currentTime);
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Entry entry, long currentTime, long currentDuration) {
                    return Math.max(0, entry.expiresAtNanos() - currentTime);
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Entry entry, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build();
  }

  private long nanos() {
    return Math.multiplyExact(clock.millis(), 1_000_000L);
  }

  static void checkArguments(String key, String value, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
  }

  private Entry entry(String value, Duration ttl) {
    long ttlNanos = ttl.compareTo(Duration.ofDays(36500)) > 0 ? Long.MAX_VALUE / 4 : ttl.toNanos();
    return new Entry(value, nanos() + ttlNanos);
  }

  private boolean live(Entry e) {
    return e.expiresAtNanos() > nanos();
  }

  @Override
  public Optional<String> get(String key) {
    Objects.requireNonNull(key, "key");
    Entry e = cache.getIfPresent(key);
    return e == null || !live(e) ? Optional.empty() : Optional.of(e.value());
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    checkArguments(key, value, ttl);
    cache.put(key, entry(value, ttl));
  }

  @Override
  public boolean putIfAbsent(String key, String value, Duration ttl) {
    checkArguments(key, value, ttl);
    Entry mine = entry(value, ttl);
    Entry winner = cache.asMap().compute(key, (k, old) -> old == null || !live(old) ? mine : old);
    return winner == mine;
  }

  @Override
  public void invalidate(String key) {
    Objects.requireNonNull(key, "key");
    cache.invalidate(key);
  }

  @Override
  public boolean invalidateIf(String key, String expected) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expected, "expected");
    boolean[] removed = new boolean[1];
    cache
        .asMap()
        .computeIfPresent(
            key,
            (k, old) -> {
              removed[0] = live(old) && old.value().equals(expected);
              return removed[0] ? null : old;
            });
    return removed[0];
  }

  @Override
  public boolean renewIf(String key, String expected, Duration ttl) {
    checkArguments(key, expected, ttl);
    Entry renewed = entry(expected, ttl);
    Entry now =
        cache
            .asMap()
            .computeIfPresent(
                key, (k, old) -> live(old) && old.value().equals(expected) ? renewed : old);
    return now == renewed;
  }

  @Override
  public String toString() {
    return "DedupCache.caffeine("
        + cache.policy().eviction().map(e -> e.getMaximum()).orElse(-1L)
        + ")";
  }
}
