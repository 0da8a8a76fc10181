package dev.genvault.redis;

import dev.genvault.GenvaultException;
import dev.genvault.spi.DedupCache;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link DedupCache} on Redis, shared by every instance of an application: a request answered by
 * one instance is served from the cache by the others, and an identical request in flight on one
 * instance is joined by the others instead of being sent to the model again.
 *
 * <pre>{@code
 * try (RedisDedupCache cache = RedisDedupCache.builder().uri("redis://cache.internal:6379").build();
 *     PersistentGenerator genvault = PersistentGenerator.builder().cache(cache).build()) {
 *   // ...
 * }
 * }</pre>
 *
 * <p><b>Keys.</b> The generator's key {@code {tenant}:{fingerprint}} (and {@code ...:claim}) is
 * stored as {@code {namespace}:{version}:{tenant}:{fingerprint}}. Every command touches one key, so
 * a Redis Cluster needs no cross-slot work. {@link #invalidateAll()} increments the version kept
 * under {@code {namespace}:version}; the old entries are no longer read and expire by their TTL.
 * Every entry lives at most {@link Builder#maxTtl} (1 hour by default).
 *
 * <p><b>Claims.</b> {@link #invalidateIf} and {@link #renewIf} are Lua scripts on the claim's key
 * (compare-and-delete, compare-and-renew), so a late owner never deletes or extends a claim another
 * instance took. A release publishes the key on the channel {@code {namespace}:released}; {@link
 * #awaitChange} wakes on it through one subscriber connection per cache, and reads the key again
 * every second meanwhile (a claim that lapses publishes nothing).
 *
 * <p><b>Failing open.</b> No method throws because Redis is down, slow or refusing: a failed call
 * answers as if the key were absent (a miss, no claim, nothing released or renewed) and the
 * generator goes ahead alone. Each call is bounded by the client's timeouts ({@link
 * Builder#timeout}, 250 ms, for a client built here); after {@link Builder#circuitBreaker
 * consecutive failures} calls skip Redis at once and one call probes it again every few seconds. An
 * outage is logged once as a warning when the breaker opens, and once when Redis answers again.
 * Jedis sends each command on a pooled connection and waits for its reply: nothing is queued while
 * Redis is away.
 *
 * <p>Thread safe. {@link #close()} closes what the builder created (the client built from a URI),
 * never a client passed in.
 */
public final class RedisDedupCache implements DedupCache, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisDedupCache.class);
  private static final Object FAILED = new Object();

  private final UnifiedJedis redis;
  private final boolean ownsClient;
  private final String describedAs;
  private final String namespace;
  private final String channel;
  private final long maxTtlMillis;
  private final long recheckNanos;
  private final LongSupplier nanoTime;
  private final CircuitBreaker breaker;
  private final ReleaseWatcher watcher;
  private final OutageLog outages;
  private final NamespaceVersion version;

  private RedisDedupCache(Builder b, UnifiedJedis redis, boolean ownsClient, String describedAs) {
    this.redis = redis;
    this.ownsClient = ownsClient;
    this.describedAs = describedAs;
    this.namespace = b.namespace;
    this.channel = namespace + ":released";
    this.maxTtlMillis = b.maxTtl.toMillis();
    this.recheckNanos = b.recheck.toNanos();
    this.nanoTime = b.nanoTime;
    this.version = new NamespaceVersion(namespace, nanoTime);
    this.outages =
        new OutageLog(
            describedAs,
            ownsClient && redis instanceof RedisClient
                ? ((RedisClient) redis).getPool()::clear
                : () -> {});
    this.breaker = new CircuitBreaker(b.breakerFailures, b.breakerRetry, nanoTime, outages);
    this.watcher =
        new ReleaseWatcher(redis, channel, version::announced, version::mayBeStale, b.breakerRetry);
    watcher.start();
  }

  /** A builder: set a {@link Builder#uri} or a {@link Builder#client}. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<String> get(String key) {
    Objects.requireNonNull(key, "key");
    Object value = call(r -> r.get(redisKey(r, key)), null);
    return value == null ? Optional.empty() : Optional.of((String) value);
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    long millis = ttlMillis(ttl);
    call(r -> r.set(redisKey(r, key), value, SetParams.setParams().px(millis)), null);
  }

  @Override
  public boolean putIfAbsent(String key, String value, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    long millis = ttlMillis(ttl);
    Object reply = call(r -> r.set(redisKey(r, key), value, SetParams.setParams().nx().px(millis)));
    return "OK".equals(reply);
  }

  @Override
  public void invalidate(String key) {
    Objects.requireNonNull(key, "key");
    call(r -> r.del(redisKey(r, key)), null);
  }

  @Override
  public boolean invalidateIf(String key, String expected) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expected, "expected");
    return Boolean.TRUE.equals(
        call(
            r -> {
              String k = redisKey(r, key);
              return Scripts.RELEASE.run(r, k, List.of(expected, channel, "k" + k));
            }));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Goes to Redis even while the circuit breaker skips it, and throws instead of failing open.
   *
   * @throws GenvaultException if Redis could not be reached
   */
  @Override
  public boolean removeIf(String key, String expected) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expected, "expected");
    try {
      String k = redisKey(redis, key);
      return Boolean.TRUE.equals(
          Scripts.RELEASE.run(redis, k, List.of(expected, channel, "k" + k)));
    } catch (RuntimeException e) {
      throw new GenvaultException("could not remove a Redis dedup cache entry: " + e, e);
    }
  }

  @Override
  public boolean renewIf(String key, String expected, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expected, "expected");
    long millis = ttlMillis(ttl);
    return Boolean.TRUE.equals(
        call(
            r -> Scripts.RENEW.run(r, redisKey(r, key), List.of(expected, Long.toString(millis)))));
  }

  /**
   * Waits until the value under the key may no longer be {@code expected}: woken when a claim is
   * released through {@link #invalidateIf} on any instance, and reading the key every second
   * meanwhile (an expiry publishes nothing). The caller always checks the outcome itself.
   *
   * @return false at once, without waiting, while Redis is skipped or the subscription is down: the
   *     caller then polls by its own means
   */
  @Override
  public boolean awaitChange(String key, String expected, Duration maxWait)
      throws InterruptedException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(maxWait, "maxWait");
    if (!watcher.isSubscribed() || !breaker.isClosed()) {
      return false;
    }
    Object k = call(r -> redisKey(r, key), FAILED);
    if (k == FAILED) {
      return false;
    }
    String redisKey = (String) k;
    long deadline = nanoTime.getAsLong() + Math.max(0, maxWait.toNanos());
    // Subscribed (and registered) before the value is read: a release after the read is heard.
    ReleaseWatcher.Waiter waiter = watcher.register(redisKey);
    try {
      while (true) {
        Object now = call(r -> r.get(redisKey), FAILED);
        if (now == FAILED) {
          return false;
        }
        if (!expected.equals(now)) {
          return true;
        }
        long left = deadline - nanoTime.getAsLong();
        if (left <= 0 || waiter.await(Math.min(left, recheckNanos))) {
          return true;
        }
      }
    } finally {
      watcher.unregister(redisKey, waiter);
    }
  }

  /**
   * Drops every entry of this cache's namespace, for every instance, by incrementing the
   * namespace's version: no key is scanned or deleted, the old entries expire by their TTL. Other
   * instances are told through the namespace's channel, and read the version again every few
   * seconds in any case. Unlike the {@link DedupCache} methods this one does not fail open.
   *
   * @throws GenvaultException if Redis could not be reached
   */
  public void invalidateAll() {
    try {
      long next = version.increment(redis);
      redis.publish(channel, "v" + next);
    } catch (RuntimeException e) {
      throw new GenvaultException("could not invalidate the Redis dedup cache: " + e, e);
    }
  }

  /**
   * Closes the subscriber connection, and the client if it was built from a URI; a client passed to
   * {@link Builder#client} is left open.
   */
  @Override
  public void close() {
    watcher.close();
    if (ownsClient) {
      redis.close();
    }
  }

  /** Outages seen so far: how many times the circuit breaker opened (tests). */
  long outages() {
    return outages.outages();
  }

  /** Whether waiting threads are woken by Redis now (tests). */
  boolean watching() {
    return watcher.isSubscribed();
  }

  /** The client (tests). */
  UnifiedJedis client() {
    return redis;
  }

  /** How many keys threads wait on now (tests). */
  int waitedKeys() {
    return watcher.waitedKeys();
  }

  @Override
  public String toString() {
    return "RedisDedupCache{" + describedAs + ", namespace=" + namespace + "}";
  }

  private long ttlMillis(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    if (ttl.compareTo(Duration.ofMillis(maxTtlMillis)) >= 0) {
      return maxTtlMillis;
    }
    return Math.max(1, ttl.toMillis());
  }

  private @Nullable Object call(Function<UnifiedJedis, @Nullable Object> command) {
    return call(command, null);
  }

  /** Runs a command unless the breaker skips Redis; any failure is a miss ({@code fallback}). */
  private @Nullable Object call(
      Function<UnifiedJedis, @Nullable Object> command, @Nullable Object fallback) {
    if (!breaker.tryAcquire()) {
      return fallback;
    }
    try {
      Object result = command.apply(redis);
      breaker.succeeded();
      return result;
    } catch (RuntimeException e) {
      breaker.failed(e);
      log.debug("Redis call failed; treated as a miss: {}", e.toString());
      return fallback;
    }
  }

  private String redisKey(UnifiedJedis r, String key) {
    return version.key(r, key);
  }

  /**
   * Configures a {@link RedisDedupCache}. Each setting may be given once; {@link #build()} checks
   * that exactly one of {@link #uri} and {@link #client} was.
   */
  public static final class Builder {
    private @Nullable String uri;
    private @Nullable UnifiedJedis client;
    private String namespace = "genvault";
    private Duration maxTtl = Duration.ofHours(1);
    private Duration timeout = Duration.ofMillis(250);
    private int maxConnections = 16;
    private int breakerFailures = 3;
    private Duration breakerRetry = Duration.ofSeconds(2);
    private LongSupplier nanoTime = System::nanoTime;
    private Duration recheck = Duration.ofSeconds(1);
    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    private void once(String name) {
      if (!set.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    /**
     * The Redis server to connect to: {@code redis://[[user]:password@]host[:port][/database]}, or
     * {@code rediss://...} for TLS. The cache builds (and closes) a pooled Jedis client with {@link
     * #timeout} as its connect, read and pool-wait timeout. The password never appears in {@link
     * #toString()} or a log.
     */
    public Builder uri(String uri) {
      once("uri");
      Objects.requireNonNull(uri, "uri");
      this.uri = uri;
      return this;
    }

    /**
     * A Jedis client of your own: {@code RedisClient} for one server, {@code RedisSentinelClient}
     * for Sentinel, {@code RedisClusterClient} for a cluster. It is not closed with the cache, and
     * its own timeouts (and, for a cluster, its retries) bound each call: keep them short, as a
     * cache call should never hold a generation up. One of its connections is held by the
     * subscriber that wakes waiting threads.
     */
    public Builder client(UnifiedJedis client) {
      once("client");
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * The first segment of every key, {@code genvault} by default: applications (or environments)
     * that share a Redis keep apart by namespace.
     */
    public Builder namespace(String namespace) {
      once("namespace");
      Objects.requireNonNull(namespace, "namespace");
      if (namespace.isBlank() || namespace.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("namespace must be non-empty, without whitespace");
      }
      this.namespace = namespace;
      return this;
    }

    /** The longest an entry lives, whatever TTL the generator asks for; 1 hour by default. */
    public Builder maxTtl(Duration maxTtl) {
      once("maxTtl");
      this.maxTtl = positive("maxTtl", maxTtl);
      if (maxTtl.toMillis() < 1) {
        throw new IllegalArgumentException("maxTtl must be at least 1 ms: " + maxTtl);
      }
      return this;
    }

    /**
     * How long one call may take on a client built from a {@link #uri}: to connect, to read the
     * reply and to wait for a pooled connection; 250 ms by default.
     */
    public Builder timeout(Duration timeout) {
      once("timeout");
      this.timeout = positive("timeout", timeout);
      if (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("timeout must be 1 ms or more: " + timeout);
      }
      return this;
    }

    /** The pool size of a client built from a {@link #uri}; 16 by default. */
    public Builder maxConnections(int maxConnections) {
      once("maxConnections");
      if (maxConnections < 2) {
        throw new IllegalArgumentException("maxConnections must be at least 2: " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * Skips Redis after {@code failures} failed calls in a row, and probes it again with one call
     * every {@code retryEvery}; 3 failures and 2 seconds by default.
     */
    public Builder circuitBreaker(int failures, Duration retryEvery) {
      once("circuitBreaker");
      if (failures < 1) {
        throw new IllegalArgumentException("failures must be at least 1: " + failures);
      }
      this.breakerFailures = failures;
      this.breakerRetry = positive("retryEvery", retryEvery);
      return this;
    }

    /**
     * How often {@code awaitChange} reads the key again while no notice comes; 1 s (tests set it
     * long, to see that a notice alone wakes a waiter).
     */
    Builder recheckEvery(Duration recheck) {
      this.recheck = positive("recheck", recheck);
      return this;
    }

    /** The monotonic clock of the breaker and of waits (tests). */
    Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /**
     * The cache; with a {@link #uri} its client is created here, without connecting yet (a Redis
     * that is down at start is an outage like any other).
     *
     * @throws IllegalStateException unless exactly one of uri and client was set
     * @throws IllegalArgumentException if the URI is not a {@code redis://} or {@code rediss://}
     *     URI
     */
    public RedisDedupCache build() {
      if ((uri == null) == (client == null)) {
        throw new IllegalStateException("set exactly one of uri(...) and client(...)");
      }
      if (client != null) {
        return new RedisDedupCache(
            this, client, false, "Redis through a " + client.getClass().getSimpleName());
      }
      RedisUri parsed = RedisUri.parse(Objects.requireNonNull(uri));
      UnifiedJedis created = parsed.connect(timeout, maxConnections);
      return new RedisDedupCache(this, created, true, "Redis at " + parsed);
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
