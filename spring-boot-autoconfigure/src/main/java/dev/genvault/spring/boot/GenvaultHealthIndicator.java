package dev.genvault.spring.boot;

import dev.genvault.GenerationQuery;
import dev.genvault.spi.GenerationStore;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** Up when the generation store answers a query; down, with the reason, when it does not. */
public final class GenvaultHealthIndicator implements HealthIndicator {
  private final GenerationStore store;

  /** The health of {@code store}. */
  public GenvaultHealthIndicator(GenerationStore store) {
    this.store = store;
  }

  @Override
  public Health health() {
    try {
      store.list(GenerationQuery.builder().limit(1).build());
      return Health.up().withDetail("store", store.getClass().getSimpleName()).build();
    } catch (RuntimeException e) {
      return Health.down(e).withDetail("store", store.getClass().getSimpleName()).build();
    }
  }
}
