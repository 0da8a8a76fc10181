package dev.genvault.cost;

import dev.genvault.Cost;
import dev.genvault.Usage;
import java.time.Instant;
import java.util.Map;

/**
 * Run by hand: how long the bundled table takes to load, and what pricing one generation costs.
 * {@code java -cp core/target/classes:core/target/test-classes:<deps>
 * dev.genvault.cost.PricingHarness}
 */
public final class PricingHarness {
  private PricingHarness() {}

  public static void main(String[] args) {
    // A running generator has SLF4J and Caffeine up before it prices anything; start them first
    // so that the second figure is the table's own load.
    long s0 = System.nanoTime();
    org.slf4j.LoggerFactory.getLogger(PricingHarness.class);
    com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(1).build();
    long s1 = System.nanoTime();
    Pricing pricing = Pricing.bundled();
    String version = pricing.tableVersion().orElse("none");
    long loadNanos = System.nanoTime() - s1;
    System.out.printf(
        "SLF4J + Caffeine start-up %.1f ms; table %s loaded in %.1f ms (first use, cold JVM)%n",
        (s1 - s0) / 1e6, version, loadNanos / 1e6);

    Usage usage =
        ProviderUsage.openAiChat(
            Map.of(
                "prompt_tokens",
                1200,
                "prompt_tokens_details.cached_tokens",
                1024,
                "completion_tokens",
                300));
    Instant at = Instant.parse("2026-06-01T12:00:00Z");
    String[] models = {
      "gpt-4o-mini", "openai/gpt-4o-mini", "claude-sonnet-4-5-20250929", "gemini-2.5-pro"
    };
    for (String model : models) {
      pricing.cost(model, "openai", usage, at); // resolve once
    }
    Cost sink = null;
    for (int round = 0; round < 5; round++) {
      int n = 2_000_000;
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink = pricing.cost(models[i & 3], "openai", usage, at);
      }
      long nanos = System.nanoTime() - start;
      System.out.printf(
          "round %d: %.0f ns per cost() (lookup + exact arithmetic)%n", round, (double) nanos / n);
    }
    System.out.println("last: " + sink);
  }
}
