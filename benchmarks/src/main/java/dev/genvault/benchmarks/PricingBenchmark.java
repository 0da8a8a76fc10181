package dev.genvault.benchmarks;

import dev.genvault.Cost;
import dev.genvault.Usage;
import dev.genvault.cost.Pricing;
import dev.genvault.cost.ProviderUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pricing one generation from the bundled table (lookup by model name, exclusive buckets, exact
 * arithmetic), beside the bare BigDecimal arithmetic of the same three products.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PricingBenchmark {
  private final Instant at = Instant.parse("2026-06-01T12:00:00Z");
  private Pricing pricing;
  private Usage usage;
  private final BigDecimal input = new BigDecimal("0.15");
  private final BigDecimal cached = new BigDecimal("0.075");
  private final BigDecimal output = new BigDecimal("0.6");

  @Setup
  public void setUp() {
    pricing = Pricing.bundled();
    usage =
        ProviderUsage.openAiChat(
            Map.of(
                "prompt_tokens",
                1200,
                "prompt_tokens_details.cached_tokens",
                1024,
                "completion_tokens",
                300));
  }

  @Benchmark
  public Cost genvault_cost() {
    return pricing.cost("gpt-4o-mini-2024-07-18", "openai", usage, at);
  }

  @Benchmark
  public BigDecimal raw_bigDecimalArithmetic() {
    return input
        .multiply(BigDecimal.valueOf(176))
        .add(cached.multiply(BigDecimal.valueOf(1024)))
        .add(output.multiply(BigDecimal.valueOf(300)))
        .movePointLeft(6);
  }
}
