package dev.genvault.spring.boot;

import dev.genvault.Budget;
import dev.genvault.Budgets;
import dev.genvault.CheckpointPolicy;
import dev.genvault.CostCalculator;
import dev.genvault.GenerationListener;
import dev.genvault.PersistentGenerator;
import dev.genvault.cost.Pricing;
import dev.genvault.jdbc.JdbcBudgetLedger;
import dev.genvault.jdbc.JdbcDedupCache;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.jdbc.SchemaMode;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.BudgetLedger;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * A {@link PersistentGenerator} bean built from what the app already has: its {@link DataSource}
 * (the records, the dedup cache and the budget ledger, in {@code genvault-jdbc-store}'s tables), a
 * folder for generated files, and the {@code genvault.*} properties ({@link GenvaultProperties}).
 * Every bean backs off when the app defines its own. Without a DataSource and without a {@link
 * GenerationStore} bean there is no generator, unless {@code genvault.store=memory} asks for one
 * that keeps its records in memory only.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@EnableConfigurationProperties(GenvaultProperties.class)
public class GenvaultAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger(GenvaultAutoConfiguration.class);

  /** The records, cache and ledger in the app's database. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(JdbcGenerationStore.class)
  @ConditionalOnBean(DataSource.class)
  static class InTheDatabase {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(GenerationStore.class)
    JdbcGenerationStore genvaultStore(DataSource dataSource, GenvaultProperties properties) {
      SchemaMode mode =
          switch (properties.getSchema()) {
            case CREATE -> SchemaMode.CREATE_IF_MISSING;
            case VERIFY -> SchemaMode.VERIFY;
            case NONE -> SchemaMode.NONE;
          };
      return JdbcGenerationStore.builder().dataSource(dataSource).schema(mode).build();
    }

    @Bean
    @ConditionalOnMissingBean(DedupCache.class)
    @ConditionalOnBean(JdbcGenerationStore.class)
    DedupCache genvaultCache(JdbcGenerationStore store) {
      return JdbcDedupCache.create(store);
    }

    @Bean
    @ConditionalOnMissingBean(BudgetLedger.class)
    @ConditionalOnBean(JdbcGenerationStore.class)
    BudgetLedger genvaultBudgetLedger(JdbcGenerationStore store) {
      return JdbcBudgetLedger.create(store);
    }
  }

  /**
   * {@code genvault.s3.bucket} is set, but the S3 client is missing from the class path: the app
   * does not start, rather than keep files in a local folder it was told not to use.
   */
  @Configuration(proxyBeanMethods = false)
  @Conditional({SettingNamed.Bucket.class, S3Missing.class})
  static class BucketWithoutS3 {
    @Bean
    @Lazy(false)
    Object genvaultS3Missing() {
      throw new IllegalStateException(
          "genvault.s3.bucket is set, but the class path lacks the AWS SDK's S3 client"
              + " (software.amazon.awssdk:s3) or genvault-s3-store: add them, or remove"
              + " genvault.s3.bucket to keep files in the genvault.blobs folder");
    }
  }

  /** {@code genvault.redis.url} is set, but Jedis is missing from the class path. */
  @Configuration(proxyBeanMethods = false)
  @Conditional({SettingNamed.RedisUrl.class, RedisMissing.class})
  static class RedisUrlWithoutJedis {
    @Bean
    @Lazy(false)
    Object genvaultRedisMissing() {
      throw new IllegalStateException(
          "genvault.redis.url is set, but the class path lacks Jedis 8 (redis.clients:jedis) or"
              + " genvault-redis-cache: add them, or remove genvault.redis.url to keep the dedup"
              + " cache in the database");
    }
  }

  /** The S3 client or genvault-s3-store is not on the class path. */
  static final class S3Missing extends AnyNestedCondition {
    S3Missing() {
      super(ConfigurationPhase.PARSE_CONFIGURATION);
    }

    @ConditionalOnMissingClass("software.amazon.awssdk.services.s3.S3Client")
    static final class NoSdk {}

    @ConditionalOnMissingClass("dev.genvault.s3.S3BlobStore")
    static final class NoStore {}
  }

  /** Jedis or genvault-redis-cache is not on the class path. */
  static final class RedisMissing extends AnyNestedCondition {
    RedisMissing() {
      super(ConfigurationPhase.PARSE_CONFIGURATION);
    }

    @ConditionalOnMissingClass("redis.clients.jedis.UnifiedJedis")
    static final class NoJedis {}

    @ConditionalOnMissingClass("dev.genvault.redis.RedisDedupCache")
    static final class NoCache {}
  }

  /**
   * Neither a DataSource nor a GenerationStore, and no {@code genvault.store=memory}: no generator,
   * said in the log with what to add (a Boot app gets its DataSource from {@code
   * spring-boot-starter-jdbc} and a driver, or defines its own).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean({DataSource.class, GenerationStore.class, PersistentGenerator.class})
  static class NoStore {
    @Bean
    @Lazy(false)
    NoStoreNotice genvaultNoStore(Environment environment) {
      if ("memory".equals(environment.getProperty("genvault.store"))) {
        return new NoStoreNotice(); // the memory store is made below
      }
      log.warn(
          "Genvault makes no PersistentGenerator: the app has no DataSource (add"
              + " spring-boot-starter-jdbc and a JDBC driver, and set spring.datasource.url, or"
              + " define a DataSource bean), no GenerationStore bean, and genvault.store is not"
              + " memory");
      return new NoStoreNotice();
    }
  }

  /** That the app has no store for Genvault (and was told so). */
  static final class NoStoreNotice {}

  /** Records in memory only, when asked for: they are lost when the app stops. */
  @Bean
  @ConditionalOnMissingBean(GenerationStore.class)
  @ConditionalOnProperty(name = "genvault.store", havingValue = "memory")
  GenerationStore genvaultMemoryStore() {
    return GenerationStore.inMemory();
  }

  @Bean
  @ConditionalOnMissingBean(BlobStore.class)
  BlobStore genvaultBlobs(GenvaultProperties properties) {
    Path folder = properties.getBlobs();
    return BlobStore.filesystem(folder);
  }

  @Bean
  @ConditionalOnMissingBean(DedupCache.class)
  DedupCache genvaultMemoryCache() {
    return DedupCache.caffeine(10_000);
  }

  /** The bundled price table, and newer prices from {@code genvault.cost.prices-url} if set. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(CostCalculator.class)
  Pricing genvaultPricing(GenvaultProperties properties) {
    String url = properties.getCost().getPricesUrl();
    if (url == null || url.isBlank()) {
      return Pricing.bundled();
    }
    String where = url.strip();
    URI prices = where.contains("://") ? URI.create(where) : Path.of(where).toUri();
    return Pricing.builder()
        .prices(prices)
        .refreshEvery(properties.getCost().getPricesRefresh())
        .build();
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnBean(GenerationStore.class)
  PersistentGenerator persistentGenerator(
      GenerationStore store,
      BlobStore blobs,
      DedupCache cache,
      CostCalculator prices,
      GenvaultProperties properties,
      ObjectProvider<BudgetLedger> ledger,
      ObjectProvider<GenerationListener> listeners,
      Environment environment) {
    PersistentGenerator.Builder b =
        PersistentGenerator.builder()
            .store(store)
            .blobs(blobs)
            .cache(cache)
            .costCalculator(prices)
            .cacheTtl(properties.getCacheTtl())
            .cacheScope(properties.getCacheScope())
            .checkpointPolicy(
                new CheckpointPolicy(
                    properties.getCheckpointInterval(), CheckpointPolicy.DEFAULT.maxDeltas()));
    b.baseUrl(baseUrl(properties, environment));
    Budgets budgets = budgets(properties.getCost(), ledger.getIfAvailable());
    if (budgets != null) {
      b.budgets(budgets);
    }
    List<GenerationListener> all = listeners.orderedStream().collect(Collectors.toList());
    if (!all.isEmpty()) {
      b.listener(all.size() == 1 ? all.get(0) : new AllListeners(all));
    }
    return b.build();
  }

  /**
   * {@code genvault.base-url}; without it, where this app serves the pages on its own machine
   * ({@code http://localhost:PORT/CONTEXT/genvault}), said once in the log: right while developing,
   * wrong for anyone else.
   */
  static String baseUrl(GenvaultProperties properties, Environment environment) {
    String configured = properties.getBaseUrl();
    if (configured != null && !configured.isBlank()) {
      return configured.strip();
    }
    Integer port = environment.getProperty("server.port", Integer.class, 8080);
    String address = environment.getProperty("server.address", "localhost");
    if (address.isBlank() || address.equals("0.0.0.0") || address.equals("::")) {
      address = "localhost";
    } else if (address.contains(":") && !address.startsWith("[")) {
      address = "[" + address + "]"; // an IPv6 literal
    }
    boolean tls = environment.getProperty("server.ssl.enabled", Boolean.class, false);
    String local =
        (tls ? "https://" : "http://")
            + address
            + ":"
            + (port > 0 ? port : 8080)
            + trimmed(environment.getProperty("server.servlet.context-path", ""))
            + trimmed(properties.getHttp().getPath());
    if (port > 0) {
      log.info(
          "genvault.base-url is not set: generation URLs point at {}; set it to the address your"
              + " users reach",
          local);
    } else {
      log.warn(
          "genvault.base-url is not set and server.port is {} (a port chosen at start, or no"
              + " server): generation URLs point at {}, which is likely wrong; set genvault.base-url",
          port,
          local);
    }
    return local;
  }

  /** A path with a leading slash and no trailing one; empty for none. */
  private static String trimmed(String path) {
    String p = path == null ? "" : path.strip();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() || p.startsWith("/") ? p : "/" + p;
  }

  private static Budgets budgets(GenvaultProperties.Cost cost, BudgetLedger ledger) {
    if (cost.getUserDailyUsd() == null && cost.getTenantMonthlyUsd() == null) {
      return null;
    }
    Budgets.Builder b = Budgets.builder();
    if (ledger != null) {
      b.ledger(ledger);
    }
    if (cost.getUserDailyUsd() != null) {
      b.add(
          Budget.perUser(cost.getUserDailyUsd().toPlainString(), Budget.Period.DAY)
              .zone(cost.getBudgetZone()));
    }
    if (cost.getTenantMonthlyUsd() != null) {
      b.add(
          Budget.perTenant(cost.getTenantMonthlyUsd().toPlainString(), Budget.Period.MONTH)
              .zone(cost.getBudgetZone()));
    }
    return b.build();
  }
}
