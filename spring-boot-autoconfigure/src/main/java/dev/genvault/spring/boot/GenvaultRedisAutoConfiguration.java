package dev.genvault.spring.boot;

import dev.genvault.redis.RedisDedupCache;
import dev.genvault.spi.DedupCache;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The dedup cache in Redis ({@code genvault-redis-cache}), taken from the first of:
 *
 * <ol>
 *   <li>{@code genvault.redis.url}, through a pool of Genvault's own;
 *   <li>the app's Jedis {@link UnifiedJedis} bean ({@code RedisClient}, {@code
 *       RedisSentinelClient}, {@code RedisClusterClient}; the {@code @Primary} one if several),
 *       which the cache does not close;
 *   <li>the single Redis server Spring Boot knows ({@link RedisConnectionDetails}: the {@code
 *       spring.data.redis.*} properties, TLS included, or a service connection), when its settings
 *       name one (Spring Boot's default localhost:6379 alone does not count), through a pool of
 *       Genvault's own. For a Sentinel or a cluster, define a Jedis client bean instead.
 * </ol>
 *
 * <p>Without any of them the cache stays in the database. Backs off when the app defines a {@link
 * DedupCache}. {@code genvault-redis-cache} comes with the starter, but not Jedis: the app's own
 * Jedis is used, and it must be Jedis 8: with an older one the cache stays in the database, with a
 * warning, and with {@code genvault.redis.url} set the app does not start.
 */
@AutoConfiguration(
    before = GenvaultAutoConfiguration.class,
    afterName = "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration")
@ConditionalOnClass({RedisDedupCache.class, UnifiedJedis.class})
@EnableConfigurationProperties(GenvaultProperties.class)
public class GenvaultRedisAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger(GenvaultRedisAutoConfiguration.class);
  private static final int POOL_SIZE = 16;
  private static final String JEDIS_8 = "redis.clients.jedis.RedisClient";

  /**
   * A Jedis older than 8 on the class path (Spring Boot 3.5's BOM manages Jedis 6): with {@code
   * genvault.redis.url} set the app does not start, and the message says how to fix the version;
   * otherwise the cache stays in the database, with a warning.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass(JEDIS_8)
  static class OlderJedis {
    @Bean
    @Lazy(false)
    @ConditionalOnMissingBean(DedupCache.class)
    OlderJedisNotice genvaultOlderJedis(
        Environment environment,
        ObjectProvider<UnifiedJedis> clients,
        ObjectProvider<RedisConnectionDetails> boot) {
      String fix =
          "genvault-redis-cache needs Jedis 8, and the class path has an older Jedis (Spring Boot"
              + " 3.5's BOM manages Jedis 6): import genvault-bom before Spring Boot's BOM, or set"
              + " the property jedis.version to 8.0.2 with spring-boot-starter-parent (Spring Data"
              + " Redis's own Jedis client is not tested with Jedis 8: keep Lettuce for it)";
      if (StringUtils.hasText(environment.getProperty(SettingNamed.REDIS_URL))) {
        throw new IllegalStateException(fix);
      }
      if (clients.getIfAvailable() != null || boot.getIfAvailable() != null) {
        log.warn("{}; until then the dedup cache stays in the database", fix);
      }
      return new OlderJedisNotice();
    }
  }

  /** That the cache stays out of Redis for want of Jedis 8 (and was warned about). */
  static final class OlderJedisNotice {}

  /** {@code genvault.redis.url}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = JEDIS_8)
  @Conditional(SettingNamed.RedisUrl.class)
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

  /** The app's own Jedis client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = JEDIS_8)
  @ConditionalOnBean(UnifiedJedis.class)
  @Conditional(SettingNamed.NoRedisUrl.class)
  static class FromClientBean {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DedupCache.class)
    RedisDedupCache genvaultRedisCache(
        ObjectProvider<UnifiedJedis> clients, GenvaultProperties properties) {
      UnifiedJedis client = clients.getIfUnique();
      if (client == null) {
        throw new IllegalStateException(
            "the app has several Jedis UnifiedJedis beans: mark the one for Genvault's cache"
                + " @Primary, set genvault.redis.url, or define a DedupCache bean");
      }
      return RedisDedupCache.builder()
          .client(client)
          .namespace(properties.getRedis().getNamespace())
          .build();
    }
  }

  /** The Redis server Spring Boot knows. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = JEDIS_8)
  @ConditionalOnBean(RedisConnectionDetails.class)
  @ConditionalOnMissingBean(UnifiedJedis.class)
  @Conditional({SettingNamed.NoRedisUrl.class, BootRedisConfigured.class})
  static class FromBootsRedis {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DedupCache.class)
    GenvaultRedisClient genvaultRedisClient(
        RedisConnectionDetails details,
        ObjectProvider<RedisProperties> redisProperties,
        GenvaultProperties properties) {
      DefaultJedisClientConfig config =
          clientConfig(
              details, redisProperties.getIfAvailable(), properties.getRedis().getTimeout());
      return new GenvaultRedisClient(connect(details, config, properties.getRedis().getTimeout()));
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

    /**
     * Genvault's pool for Spring Boot's server (only loaded with Jedis 8: it names RedisClient).
     */
    private static UnifiedJedis connect(
        RedisConnectionDetails details, DefaultJedisClientConfig config, Duration timeout) {
      RedisConnectionDetails.Standalone server = Objects.requireNonNull(details.getStandalone());
      ConnectionPoolConfig pool = new ConnectionPoolConfig();
      pool.setMaxTotal(POOL_SIZE);
      pool.setMaxIdle(POOL_SIZE);
      pool.setMinIdle(0);
      pool.setMaxWait(timeout);
      pool.setJmxEnabled(false);
      return RedisClient.builder()
          .hostAndPort(new HostAndPort(server.getHost(), server.getPort()))
          .clientConfig(config)
          .poolConfig(pool)
          .build();
    }
  }

  /**
   * How Genvault's pool talks to Spring Boot's single Redis server: its user, password, database
   * and TLS (an SSL bundle, {@code spring.data.redis.ssl.enabled}, or a {@code rediss://} URL),
   * every wait bounded by {@code timeout}.
   */
  static DefaultJedisClientConfig clientConfig(
      RedisConnectionDetails details, @Nullable RedisProperties boot, Duration timeout) {
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
    if (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("genvault.redis.timeout must be 1 ms or more: " + timeout);
    }
    int millis = (int) timeout.toMillis();
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(millis)
            .socketTimeoutMillis(millis)
            .database(server.getDatabase())
            .clientName("genvault");
    // Spring Boot reads "redis://:secret@host" as an empty user name: that is no user.
    if (StringUtils.hasText(details.getUsername())) {
      config.user(details.getUsername());
    }
    if (StringUtils.hasText(details.getPassword())) {
      config.password(details.getPassword());
    }
    SslBundle ssl = server.getSslBundle();
    if (ssl != null) {
      config.ssl(true).sslSocketFactory(ssl.createSslContext().getSocketFactory());
    } else if (boot != null
        && (boot.getSsl().isEnabled()
            || (boot.getUrl() != null && boot.getUrl().startsWith("rediss://")))) {
      config.ssl(true); // the JVM's own trust store, as Spring Boot's clients do without a bundle
    }
    return config.build();
  }

  /**
   * Spring Boot's Redis settings were given: a {@code spring.data.redis.*} property, or connection
   * details of another kind than the properties' own (a service connection, say). Spring Boot makes
   * its properties' details whenever Spring Data Redis is present, pointing at localhost:6379 when
   * nothing is set: that is no Redis the app asked for.
   */
  static final class BootRedisConfigured implements ConfigurationCondition {
    private static final String[] SETTINGS = {
      "host", "port", "url", "username", "password", "database", "ssl.enabled", "ssl.bundle"
    };

    @Override
    public ConfigurationPhase getConfigurationPhase() {
      return ConfigurationPhase.REGISTER_BEAN;
    }

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      var env = context.getEnvironment();
      if (env.containsProperty("spring.data.redis.sentinel.master")
          || env.containsProperty("spring.data.redis.cluster.nodes")) {
        log.warn(
            "genvault-redis-cache takes only a single Redis server from Spring Boot's settings;"
                + " for a Sentinel or a cluster, define a Jedis RedisSentinelClient or"
                + " RedisClusterClient bean, or set genvault.redis.url. Until then the dedup cache"
                + " stays in the database");
        return false;
      }
      for (String setting : SETTINGS) {
        if (context.getEnvironment().containsProperty("spring.data.redis." + setting)) {
          return true;
        }
      }
      var beans = context.getBeanFactory();
      if (beans == null) {
        return false;
      }
      for (String name : beans.getBeanNamesForType(RedisConnectionDetails.class, true, false)) {
        Class<?> type = beans.getType(name, false);
        if (type != null && !type.getName().endsWith(".PropertiesRedisConnectionDetails")) {
          return true;
        }
      }
      return false;
    }
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
