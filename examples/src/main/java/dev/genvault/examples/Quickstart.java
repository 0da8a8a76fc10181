package dev.genvault.examples;

import dev.genvault.CostCalculator;
import dev.genvault.DemoModel;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStream;
import dev.genvault.ModelClient;
import dev.genvault.PersistentGenerator;
import dev.genvault.Usage;
import dev.genvault.cost.ModelPrice;
import dev.genvault.cost.Pricing;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.openai.OpenAiClient;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The quick start: one streamed generation, persisted and priced, then the same request again,
 * served from the dedup cache at no cost.
 *
 * <p>Runs on embedded defaults: generations in a SQLite file ({@code ./genvault.db}), files in
 * {@code ./genvault-data/blobs}, an in-process cache, and the offline {@link DemoModel}. Set {@code
 * GENVAULT_DB} to use another SQLite file, {@code GENVAULT_DATA} for another blob folder and {@code
 * GENVAULT_BASE_URL} to change the printed URLs.
 */
public final class Quickstart {
  private Quickstart() {}

  /** Runs the quick start. */
  public static void main(String[] args) {
    run(System.out, System.getenv());
  }

  /** Runs the quick start, printing to {@code out}; returns the two generations. */
  static Generation[] run(PrintStream out, java.util.Map<String, String> env) {
    String baseUrl = env.getOrDefault("GENVAULT_BASE_URL", "http://localhost:8080");
    Path data = Path.of(env.getOrDefault("GENVAULT_DATA", "genvault-data"));
    Path database = Path.of(env.getOrDefault("GENVAULT_DB", "genvault.db"));
    ModelClient model;
    String modelName;
    OpenAiClient openAiClient = null;
    String apiKey = env.get("OPENAI_API_KEY");
    if (apiKey != null && !apiKey.isBlank()) {
      // A real model: OPENAI_BASE_URL (if set) points at any OpenAI-compatible server.
      OpenAiClient.Builder openai = OpenAiClient.builder().apiKey(apiKey);
      String openAiBaseUrl = env.get("OPENAI_BASE_URL");
      if (openAiBaseUrl != null && !openAiBaseUrl.isBlank()) {
        openai.baseUrl(openAiBaseUrl);
      }
      openAiClient = openai.build();
      model = openAiClient;
      modelName = env.getOrDefault("GENVAULT_MODEL", "gpt-4o-mini");
      out.println("Model: " + modelName + " at " + openAiClient.baseUrl());
    } else {
      model = DemoModel.create();
      modelName = DemoModel.MODEL;
      out.println("Model: offline demo model (" + modelName + "), no API key needed");
    }

    // The bundled price table prices real models; the demo model gets a price of its own.
    CostCalculator prices =
        Pricing.builder().override(DemoModel.MODEL, ModelPrice.of("0.15", "0.60")).build();

    try (JdbcGenerationStore store = JdbcGenerationStore.sqlite(database);
        PersistentGenerator genvault =
            PersistentGenerator.builder()
                .store(store)
                .blobs(BlobStore.filesystem(data.resolve("blobs")))
                .cache(DedupCache.caffeine(10_000))
                .costCalculator(prices)
                .baseUrl(baseUrl)
                .build()) {

      GenerationRequest request =
          GenerationRequest.builder()
              .model(modelName)
              .system("You write short poems.")
              .prompt("Write a haiku about durable storage")
              .userId("quickstart-user")
              .build();

      Generation first;
      try (GenerationStream stream = genvault.stream(request, model)) {
        out.println(
            "ID:     " + stream.id() + "   (made before the call; the row is already stored)");
        out.println("URL:    " + baseUrl.replaceAll("/$", "") + "/generate/" + stream.id());
        out.print("Text:   ");
        for (String piece : stream) {
          out.print(piece);
          out.flush();
        }
        out.println();
        first = stream.result();
      }
      out.println("Status: " + first.status().wireName() + " (" + first.finishReason() + ")");
      out.println("Usage:  " + describe(first.usage()));
      out.println(
          "Cost:   "
              + (first.cost() == null
                  ? "unknown"
                  : "$"
                      + first.cost().usd().toPlainString()
                      + " ("
                      + first.cost().priceTable()
                      + ")"));

      out.println();
      out.println("Same request again:");
      Generation second = genvault.generate(request, model);
      out.println("ID:     " + second.id() + "   (a new row of its own)");
      out.println("URL:    " + genvault.url(second));
      out.println("Dedup:  served from the cache, copied from " + second.cachedFrom());
      out.println(
          "Cost:   $"
              + second.cost().usd().toPlainString()
              + ", saved $"
              + (second.savedCost() == null ? "unknown" : second.savedCost().toPlainString()));
      out.println("Text:   " + second.text());
      out.println();
      out.println(
          "Both rows are in "
              + database
              + " (sqlite3 "
              + database
              + " 'SELECT id, status, cost_usd, cached_from FROM generations')");
      return new Generation[] {first, second};
    } finally {
      if (openAiClient != null) {
        openAiClient.close();
      }
    }
  }

  private static String describe(Usage usage) {
    if (usage == null) {
      return "not reported";
    }
    return usage.inputTokens() + " input tokens, " + usage.outputTokens() + " output tokens";
  }
}
