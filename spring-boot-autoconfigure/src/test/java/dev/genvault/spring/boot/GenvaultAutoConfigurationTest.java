package dev.genvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.BudgetExceededException;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.Usage;
import dev.genvault.jdbc.JdbcDedupCache;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class GenvaultAutoConfigurationTest {
  @TempDir Path blobs;

  ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                GenvaultActuatorAutoConfiguration.class, GenvaultAutoConfiguration.class))
        .withPropertyValues("genvault.blobs=" + blobs);
  }

  static DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  static final ModelClient MODEL =
      ModelClient.of(
          "test",
          call -> {
            call.emit("Old pond, frog");
            return ModelResult.builder().finishReason("stop").usage(Usage.of(1000, 500)).build();
          });

  static GenerationRequest haiku() {
    return GenerationRequest.builder().model("gpt-4o-mini").prompt("A haiku").userId("u1").build();
  }

  @Test
  void on_the_apps_data_source_every_piece_is_in_its_database() {
    runner()
        .withBean(DataSource.class, GenvaultAutoConfigurationTest::h2)
        .run(
            context -> {
              assertThat(context).hasSingleBean(PersistentGenerator.class);
              assertThat(context.getBean(GenerationStore.class))
                  .isInstanceOf(JdbcGenerationStore.class);
              assertThat(context.getBean(DedupCache.class)).isInstanceOf(JdbcDedupCache.class);
              PersistentGenerator genvault = context.getBean(PersistentGenerator.class);

              Generation g = genvault.generate(haiku(), MODEL);

              assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
              assertThat(context.getBean(GenerationStore.class).find(g.id())).isPresent();
              assertThat(g.cost()).as("the bundled price table").isNotNull();
              assertThat(genvault.generate(haiku(), MODEL).cachedFrom())
                  .as("the database cache")
                  .isEqualTo(g.id());
            });
  }

  @Test
  void without_a_data_source_there_is_no_generator_unless_memory_is_asked_for() {
    runner()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(PersistentGenerator.class);
            });
    runner()
        .withPropertyValues("genvault.store=memory")
        .run(
            context -> {
              assertThat(context).hasSingleBean(PersistentGenerator.class);
              assertThat(context.getBean(PersistentGenerator.class).generate(haiku(), MODEL).text())
                  .isEqualTo("Old pond, frog");
            });
  }

  @Test
  void the_apps_own_beans_win() {
    GenerationStore mine = GenerationStore.inMemory();
    BlobStore myBlobs = BlobStore.inMemory();
    runner()
        .withBean(DataSource.class, GenvaultAutoConfigurationTest::h2)
        .withBean(GenerationStore.class, () -> mine)
        .withBean(BlobStore.class, () -> myBlobs)
        .run(
            context -> {
              assertThat(context.getBean(GenerationStore.class)).isSameAs(mine);
              assertThat(context.getBean(BlobStore.class)).isSameAs(myBlobs);
              Generation g = context.getBean(PersistentGenerator.class).generate(haiku(), MODEL);
              assertThat(mine.find(g.id())).isPresent();
            });
    runner()
        .withPropertyValues("genvault.store=memory")
        .withBean(
            PersistentGenerator.class,
            () -> PersistentGenerator.builder().store(GenerationStore.inMemory()).build())
        .run(context -> assertThat(context).hasSingleBean(PersistentGenerator.class));
  }

  @Test
  void without_a_base_url_urls_point_at_the_apps_own_pages_on_this_machine() {
    runner()
        .withBean(DataSource.class, GenvaultAutoConfigurationTest::h2)
        .run(
            context -> {
              PersistentGenerator genvault = context.getBean(PersistentGenerator.class);
              assertThat(genvault.url(genvault.generate(haiku(), MODEL)))
                  .startsWith("http://localhost:8080/genvault/");
            });
    runner()
        .withBean(DataSource.class, GenvaultAutoConfigurationTest::h2)
        .withPropertyValues(
            "server.port=9090", "server.servlet.context-path=/app/", "genvault.http.path=ai")
        .run(
            context -> {
              PersistentGenerator genvault = context.getBean(PersistentGenerator.class);
              assertThat(genvault.url(genvault.generate(haiku(), MODEL)))
                  .startsWith("http://localhost:9090/app/ai/");
            });
    runner()
        .withBean(DataSource.class, GenvaultAutoConfigurationTest::h2)
        .withPropertyValues(
            "server.port=8443", "server.ssl.enabled=true", "server.address=127.0.0.1")
        .run(
            context -> {
              PersistentGenerator genvault = context.getBean(PersistentGenerator.class);
              assertThat(genvault.url(genvault.generate(haiku(), MODEL)))
                  .startsWith("https://127.0.0.1:8443/genvault/");
            });
  }

  @Test
  void properties_are_bound() {
    runner()
        .withBean(DataSource.class, GenvaultAutoConfigurationTest::h2)
        .withPropertyValues(
            "genvault.base-url=https://app.example.com/ai",
            "genvault.cache-scope=tenant",
            "genvault.cache-ttl=5m",
            "genvault.checkpoint-interval=100ms",
            "genvault.cost.user-daily-usd=0.0001")
        .run(
            context -> {
              GenvaultProperties p = context.getBean(GenvaultProperties.class);
              assertThat(p.getCacheTtl()).hasMinutes(5);
              assertThat(p.getCheckpointInterval()).hasMillis(100);
              PersistentGenerator genvault = context.getBean(PersistentGenerator.class);
              Generation g =
                  genvault.generate(
                      GenerationRequest.builder()
                          .model("gpt-4o-mini")
                          .prompt("A haiku")
                          .userId("u1")
                          .maxOutputTokens(10)
                          .build(),
                      MODEL);
              assertThat(genvault.url(g)).startsWith("https://app.example.com/ai/");
              assertThatThrownBy(() -> genvault.generate(haiku(), MODEL))
                  .as("the per-user budget of $0.0001 a day is spent")
                  .isInstanceOf(BudgetExceededException.class);
            });
  }

  @Test
  void health_and_meters_come_with_actuator_and_a_registry() {
    runner()
        .withBean(DataSource.class, GenvaultAutoConfigurationTest::h2)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("genvault.checkpoint-interval=10ms")
        .run(
            context -> {
              assertThat(context.getBean(GenvaultHealthIndicator.class).health().getStatus())
                  .isEqualTo(Status.UP);
              PersistentGenerator genvault = context.getBean(PersistentGenerator.class);
              genvault.generate(haiku(), MODEL);
              genvault.generate(haiku(), MODEL);
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(
                      registry
                          .get("genvault.generations")
                          .tag("status", "complete")
                          .counter()
                          .count())
                  .isEqualTo(1.0);
              assertThat(registry.get("genvault.cache.hits").counter().count()).isEqualTo(1.0);
              assertThat(registry.get("genvault.spend").counter().count()).isPositive();
              assertThat(registry.get("genvault.added").tag("phase", "before.call").timer().count())
                  .isEqualTo(1);
              assertThat(registry.get("genvault.added").tag("phase", "after.call").timer().count())
                  .isEqualTo(1);

              ModelClient waitsForACheckpoint =
                  ModelClient.of(
                      "test",
                      call -> {
                        call.emit("Old pond");
                        org.awaitility.Awaitility.await()
                            .atMost(java.time.Duration.ofSeconds(10))
                            .until(
                                () -> registry.get("genvault.checkpoints").counter().count() > 0);
                        return ModelResult.builder().finishReason("stop").build();
                      });
              genvault.generate(
                  GenerationRequest.prompt("gpt-4o-mini", "Another"), waitsForACheckpoint);
              assertThat(registry.get("genvault.checkpoint.lag").timer().count()).isPositive();
              assertThat(registry.get("genvault.added").tag("phase", "before.call").timer().count())
                  .isEqualTo(2);
            });
  }

  @Test
  void the_properties_are_described_for_ide_completion() throws Exception {
    try (java.io.InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("written by spring-boot-configuration-processor").isNotNull();
      String metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(metadata)
          .contains("\"genvault.base-url\"")
          .contains("\"genvault.cost.user-daily-usd\"")
          .contains("The base of generation URLs");
    }
  }

  @Test
  void routes_are_mounted_only_with_the_apps_authorizer() {
    org.springframework.boot.test.context.runner.WebApplicationContextRunner web =
        new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
            .withConfiguration(
                AutoConfigurations.of(
                    GenvaultAutoConfiguration.class, GenvaultRoutesAutoConfiguration.class))
            .withPropertyValues("genvault.blobs=" + blobs, "genvault.store=memory");
    web.run(context -> assertThat(context).doesNotHaveBean("genvaultRoutes"));
    web.withBean(dev.genvault.http.Authorizer.class, dev.genvault.http.Authorizer::allowAll)
        .withPropertyValues("genvault.http.path=/ai/")
        .run(
            context -> {
              Object routes = context.getBean("genvaultRoutes");
              assertThat(
                      ((org.springframework.boot.web.servlet.ServletRegistrationBean<?>) routes)
                          .getUrlMappings())
                  .containsExactly("/ai/*");
            });
  }
}
