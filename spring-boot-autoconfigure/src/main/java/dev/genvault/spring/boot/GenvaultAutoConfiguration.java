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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
      ObjectProvider<GenerationListener> listeners) {
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
    if (properties.getBaseUrl() != null && !properties.getBaseUrl().isBlank()) {
      b.baseUrl(properties.getBaseUrl());
    }
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
