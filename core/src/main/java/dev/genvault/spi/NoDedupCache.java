package dev.genvault.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** {@link DedupCache#none()}. */
final class NoDedupCache implements DedupCache {
  static final NoDedupCache INSTANCE = new NoDedupCache();

  private NoDedupCache() {}

  @Override
  public Optional<String> get(String key) {
    Objects.requireNonNull(key, "key");
    return Optional.empty();
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    CaffeineDedupCache.checkArguments(key, value, ttl);
  }

  @Override
  public boolean putIfAbsent(String key, String value, Duration ttl) {
    CaffeineDedupCache.checkArguments(key, value, ttl);
    return true;
  }

  @Override
  public void invalidate(String key) {
    Objects.requireNonNull(key, "key");
  }

  @Override
  public boolean invalidateIf(String key, String expected) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expected, "expected");
    return false;
  }

  @Override
  public boolean renewIf(String key, String expected, Duration ttl) {
    CaffeineDedupCache.checkArguments(key, expected, ttl);
    return false;
  }

  @Override
  public String toString() {
    return "DedupCache.none()";
  }
}
