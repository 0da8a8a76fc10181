package dev.genvault.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A {@code redis://} or {@code rediss://} URI, and the pooled client it makes. Its {@link
 * #toString()} is the scheme, host and port only: never the user or the password.
 */
final class RedisUri {
  private static final int DEFAULT_PORT = 6379;

  private final URI uri;
  private final HostAndPort hostAndPort;

  private RedisUri(URI uri, HostAndPort hostAndPort) {
    this.uri = uri;
    this.hostAndPort = hostAndPort;
  }

  static RedisUri parse(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      // The reason, never the input: it may hold a password.
      throw new IllegalArgumentException("uri is not a valid URI: " + e.getReason());
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss"))) {
      throw new IllegalArgumentException("uri must start with redis:// or rediss://");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("uri names no host");
    }
    if (JedisURIHelper.hasDbIndex(uri)) {
      try {
        JedisURIHelper.getDBIndex(uri);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("uri's database must be a number, as in /0");
      }
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    return new RedisUri(uri, new HostAndPort(uri.getHost(), port));
  }

  /** A pooled client whose every wait (connect, reply, free connection) is {@code timeout}. */
  UnifiedJedis connect(Duration timeout, int maxConnections) {
    int millis = (int) timeout.toMillis();
    DefaultJedisClientConfig config =
        DefaultJedisClientConfig.builder(uri)
            .connectionTimeoutMillis(millis)
            .socketTimeoutMillis(millis)
            .clientName("genvault")
            .build();
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(maxConnections);
    pool.setMaxIdle(maxConnections);
    pool.setMinIdle(0);
    pool.setBlockWhenExhausted(true);
    pool.setMaxWait(timeout);
    pool.setTestWhileIdle(false);
    pool.setJmxEnabled(false);
    return RedisClient.builder()
        .hostAndPort(hostAndPort)
        .clientConfig(config)
        .poolConfig(pool)
        .build();
  }

  @Override
  public String toString() {
    return uri.getScheme() + "://" + hostAndPort;
  }
}
