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
  public String toString() {
    return "DedupCache.none()";
  }
}
