package dev.genvault.spring.boot;

import dev.genvault.spi.GenerationStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Genvault's health indicator (with Spring Boot Actuator) and meters (with Micrometer and a {@link
 * MeterRegistry} bean), each backing off when the app defines its own.
 */
@AutoConfiguration(
    after = GenvaultAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration"
    })
public class GenvaultActuatorAutoConfiguration {

  /** The health of the generation store. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "genvaultHealthIndicator")
    @ConditionalOnBean(GenerationStore.class)
    GenvaultHealthIndicator genvaultHealthIndicator(GenerationStore store) {
      return new GenvaultHealthIndicator(store);
    }
  }

  /** The generator's meters. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  @ConditionalOnBean(MeterRegistry.class)
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    GenvaultMetrics genvaultMetrics(MeterRegistry registry) {
      return new GenvaultMetrics(registry);
    }
  }
}
