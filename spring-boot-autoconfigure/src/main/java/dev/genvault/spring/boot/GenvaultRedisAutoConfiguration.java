package dev.genvault.spring.boot;

import dev.genvault.redis.RedisDedupCache;
import dev.genvault.spi.DedupCache;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The dedup cache in Redis ({@code genvault-redis-cache}), taken from the first of:
 *
 * <ol>
 *   <li>the app's Jedis {@link UnifiedJedis} bean ({@code RedisClient}, {@code
 *       RedisSentinelClient}, {@code RedisClusterClient}), which the cache does not close;
 *   <li>{@code genvault.redis.url};
 *   <li>the single Redis server Spring Boot knows ({@link RedisConnectionDetails}: the {@code
 *       spring.data.redis.*} properties, or a service connection), through a pool of Genvault's
 *       own. For a Sentinel or a cluster, define a Jedis client bean instead.
 * </ol>
 *
 * <p>Without any of them the cache stays in the database. Backs off when the app defines a {@link
 * DedupCache}.
 */
@AutoConfiguration(
    before = GenvaultAutoConfiguration.class,
    afterName = "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration")
@ConditionalOnClass({RedisDedupCache.class, UnifiedJedis.class})
@EnableConfigurationProperties(GenvaultProperties.class)
@Import({
  GenvaultRedisAutoConfiguration.FromClientBean.class,
  GenvaultRedisAutoConfiguration.FromUrl.class,
  GenvaultRedisAutoConfiguration.FromBootsRedis.class
})
public class GenvaultRedisAutoConfiguration {
  private static final int POOL_SIZE = 16;

  /** The app's own Jedis client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnSingleCandidate(UnifiedJedis.class)
  static class FromClientBean {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DedupCache.class)
    RedisDedupCache genvaultRedisCache(UnifiedJedis client, GenvaultProperties properties) {
      return RedisDedupCache.builder()
          .client(client)
          .namespace(properties.getRedis().getNamespace())
          .build();
    }
  }

  /** {@code genvault.redis.url}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty("genvault.redis.url")
  static class FromUrl {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DedupCache.class)
    RedisDedupCache genvaultRedisCache(GenvaultProperties properties) {
      GenvaultProperties.Redis redis = properties.getRedis();
      return RedisDedupCache.builder()
          .uri(Objects.requireNonNull(redis.getUrl()).strip())
          .namespace(redis.getNamespace())
          .timeout(redis.getTimeout())
          .maxConnections(POOL_SIZE)
          .build();
    }
  }

  /** The Redis server Spring Boot knows. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(RedisConnectionDetails.class)
  static class FromBootsRedis {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DedupCache.class)
    GenvaultRedisClient genvaultRedisClient(
        RedisConnectionDetails details, GenvaultProperties properties) {
      return new GenvaultRedisClient(connect(details, properties.getRedis().getTimeout()));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DedupCache.class)
    @ConditionalOnBean(GenvaultRedisClient.class)
    RedisDedupCache genvaultRedisCache(GenvaultRedisClient client, GenvaultProperties properties) {
      return RedisDedupCache.builder()
          .client(client.jedis)
          .namespace(properties.getRedis().getNamespace())
          .build();
    }
  }

  /**
   * A pooled client for Spring Boot's single Redis server, every wait bounded by {@code timeout}.
   */
  static UnifiedJedis connect(RedisConnectionDetails details, Duration timeout) {
    if (details.getSentinel() != null || details.getCluster() != null) {
      throw new IllegalStateException(
          "genvault-redis-cache takes only a single Redis server from Spring Boot's settings; for"
              + " a Sentinel or a cluster, define a Jedis RedisSentinelClient or RedisClusterClient"
              + " bean, or set genvault.redis.url");
    }
    RedisConnectionDetails.Standalone server = details.getStandalone();
    if (server == null) {
      throw new IllegalStateException("Spring Boot's Redis settings name no server");
    }
    int millis = Math.toIntExact(timeout.toMillis());
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(millis)
            .socketTimeoutMillis(millis)
            .database(server.getDatabase())
            .clientName("genvault");
    if (details.getUsername() != null) {
      config.user(details.getUsername());
    }
    if (details.getPassword() != null) {
      config.password(details.getPassword());
    }
    SslBundle ssl = server.getSslBundle();
    if (ssl != null) {
      config.ssl(true).sslSocketFactory(ssl.createSslContext().getSocketFactory());
    }
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(POOL_SIZE);
    pool.setMaxIdle(POOL_SIZE);
    pool.setMinIdle(0);
    pool.setMaxWait(timeout);
    pool.setJmxEnabled(false);
    return RedisClient.builder()
        .hostAndPort(new HostAndPort(server.getHost(), server.getPort()))
        .clientConfig(config.build())
        .poolConfig(pool)
        .build();
  }

  /** The client Genvault made for Spring Boot's Redis server, closed after the cache. */
  static final class GenvaultRedisClient implements AutoCloseable {
    final UnifiedJedis jedis;

    GenvaultRedisClient(UnifiedJedis jedis) {
      this.jedis = jedis;
    }

    @Override
    public void close() {
      jedis.close();
    }
  }
}
