package dev.genvault.benchmarks;

import dev.genvault.redis.RedisDedupCache;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;
import redis.embedded.RedisServer;

/**
 * An embedded redis-server on 127.0.0.1 (Redis 6.2, no persistence), a Jedis client (pooled), a
 * Lettuce connection (synchronous API) and a {@link RedisDedupCache} on that same Jedis client, and
 * the operations {@link RedisBenchmark} and {@link RedisSlices} measure. A hit reads a 1 KB value;
 * a SET NX and a claim write a key never written before, for 10 s.
 */
final class RedisOps implements AutoCloseable {
  private static final String VALUE = "v".repeat(1024);
  private static final String ID = "V1StGXR8_Z5jdHi6B-myT";
  private static final long TTL_MILLIS = 10_000;

  private final AtomicLong sequence = new AtomicLong();
  private final RedisServer server;
  private final RedisClient jedis;
  private final io.lettuce.core.RedisClient lettuceClient;
  private final StatefulRedisConnection<String, String> lettuceConnection;
  private final RedisCommands<String, String> lettuce;
  private final RedisDedupCache cache;
  private final RedisDedupCache skipping;

  RedisOps() {
    try {
      int port = freePort();
      server =
          RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("save \"\"")
              .setting("appendonly no")
              .build();
      server.start();
      jedis = RedisClient.create("127.0.0.1", port);
      lettuceClient = io.lettuce.core.RedisClient.create("redis://127.0.0.1:" + port);
      lettuceConnection = lettuceClient.connect();
      lettuce = lettuceConnection.sync();
      cache = RedisDedupCache.builder().client(jedis).build();
      // A cache whose Redis is gone: its breaker opened on the first failure and stays open.
      skipping =
          RedisDedupCache.builder()
              .uri("redis://127.0.0.1:" + freePort())
              .circuitBreaker(1, Duration.ofHours(1))
              .build();
      skipping.get("_:trip");
      jedis.set("bench:hit", VALUE);
      cache.put("_:hit", VALUE, Duration.ofHours(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private String fresh() {
    return Long.toString(sequence.incrementAndGet());
  }

  String jedisGetHit() {
    return jedis.get("bench:hit");
  }

  String lettuceGetHit() {
    return lettuce.get("bench:hit");
  }

  String jedisSetNx() {
    return jedis.set("bench:nx:j" + fresh(), ID, SetParams.setParams().nx().px(TTL_MILLIS));
  }

  String lettuceSetNx() {
    return lettuce.set("bench:nx:l" + fresh(), ID, SetArgs.Builder.nx().px(TTL_MILLIS));
  }

  Optional<String> genvaultHit() {
    return cache.get("_:hit");
  }

  /** A lookup while the circuit breaker skips Redis. */
  Optional<String> skippedHit() {
    return skipping.get("_:hit");
  }

  /** What the generator does on a miss: look the result up, then claim the fingerprint. */
  boolean genvaultMissAndClaim() {
    String fingerprint = "_:" + fresh();
    if (cache.get(fingerprint).isPresent()) {
      return false;
    }
    return cache.putIfAbsent(fingerprint + ":claim", ID, Duration.ofMillis(TTL_MILLIS));
  }

  /** The same two round trips by hand: GET, then SET NX PX. */
  String rawGetMissAndSetNx() {
    String key = "bench:miss:" + fresh();
    if (jedis.get(key) != null) {
      return "";
    }
    return jedis.set(key + ":claim", ID, SetParams.setParams().nx().px(TTL_MILLIS));
  }

  @Override
  public void close() {
    cache.close();
    skipping.close();
    lettuceConnection.close();
    lettuceClient.shutdown();
    jedis.close();
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
