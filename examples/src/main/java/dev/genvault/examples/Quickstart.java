package dev.genvault.examples;

import dev.genvault.Cost;
import dev.genvault.CostCalculator;
import dev.genvault.DemoModel;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStream;
import dev.genvault.Message;
import dev.genvault.ModelClient;
import dev.genvault.PersistentGenerator;
import dev.genvault.PriceSource;
import dev.genvault.Usage;
import dev.genvault.cost.ModelPrice;
import dev.genvault.cost.Pricing;
import dev.genvault.jdbc.JdbcDedupCache;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.openai.OpenAiClient;
import dev.genvault.s3.S3BlobStore;
import dev.genvault.spi.BlobStore;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The quick start: one streamed generation, persisted and priced, then the same request again,
 * served from the dedup cache at no cost, then the conversation's next turn, stored as a
 * continuation of the first (its row keeps the new message only). The cache is a table in the same
 * database ({@link JdbcDedupCache}), so it outlives the process: on a second run even the first
 * request is a hit.
 *
 * <p>Runs on embedded defaults: generations and the dedup cache in a SQLite file ({@code
 * ./genvault.db}), files in {@code ./genvault-data/blobs}, and the offline {@link DemoModel} (or,
 * with {@code OPENAI_API_KEY}, {@code gpt-4o-mini} or {@code GENVAULT_MODEL} at {@code
 * OPENAI_BASE_URL} or OpenAI). Set {@code GENVAULT_DB} to another SQLite file or to a database URL
 * ({@code jdbc:sqlite:}, {@code jdbc:postgresql:}, {@code jdbc:h2:} or {@code postgres://}), {@code
 * GENVAULT_DATA} for another blob folder, {@code GENVAULT_S3_BUCKET} (and {@code
 * GENVAULT_S3_ENDPOINT} for an S3-compatible store) to keep files in S3 instead, and {@code
 * GENVAULT_BASE_URL} for the base of the printed URLs.
 */
public final class Quickstart {
  private static final String DEMO_INPUT_PRICE = "0.15";
  private static final String DEMO_OUTPUT_PRICE = "0.60";

  private Quickstart() {}

  /** Runs the quick start. */
  public static void main(String[] args) {
    run(System.out, System.getenv());
  }

  /** The bundled price table, which prices real models, and a price of its own for the demo. */
  static CostCalculator prices() {
    return pricing().build();
  }

  /** The builder of {@link #prices()}, for more of one's own. */
  static Pricing.Builder pricing() {
    return Pricing.builder()
        .override(DemoModel.MODEL, ModelPrice.of(DEMO_INPUT_PRICE, DEMO_OUTPUT_PRICE));
  }

  /** Runs the quick start, printing to {@code out}; returns the three generations. */
  static Generation[] run(PrintStream out, Map<String, String> env) {
    Path data = Path.of(env.getOrDefault("GENVAULT_DATA", "genvault-data"));
    String database = env.get("GENVAULT_DB");
    String baseUrl = env.get("GENVAULT_BASE_URL");

    PersistentGenerator.Builder builder = PersistentGenerator.builder().costCalculator(prices());
    if (baseUrl != null) {
      builder.baseUrl(baseUrl);
    }

    // Everything made here is closed here, so the JVM can end as soon as this returns.
    try (OpenAiClient openAi = openAi(env);
        S3Client s3 = s3(env);
        JdbcGenerationStore store = openStore(database);
        PersistentGenerator genvault =
            builder
                .blobs(blobStore(env, s3, data))
                .store(store)
                .cache(JdbcDedupCache.create(store)) // dedup in the same database, across runs
                .build()) {
      ModelClient model;
      String modelName;
      if (openAi != null) {
        model = openAi;
        modelName = env.getOrDefault("GENVAULT_MODEL", "gpt-4o-mini");
        out.println("Model: " + modelName + " at " + openAi.baseUrl());
      } else {
        model = DemoModel.create();
        modelName = DemoModel.MODEL;
        out.println("Model: offline demo model (" + modelName + "), no API key needed");
      }

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
        out.print("Text:   ");
        for (String piece : stream) {
          out.print(piece);
          out.flush();
        }
        out.println();
        first = stream.result();
      }
      out.println("Status: " + first.status().wireName() + " (" + first.finishReason() + ")");
      printCost(
          out,
          first,
          ", a generation of an earlier run (the cache is a table in the same database, so it"
              + " outlives the process)");

      out.println();
      out.println("Same request again:");
      Generation second = genvault.generate(request, model);
      out.println("ID:     " + second.id() + "   (a new row of its own)");
      out.println(
          "Dedup:  served from the cache, copied from "
              + second.cachedFrom()
              + " (the cache is the table genvault_dedup in the same database: run the quick start"
              + " again within a day, the cache's TTL, and even its first request is served from"
              + " it)");
      out.println(savings(second));
      out.println("Text:   " + second.text());

      out.println();
      out.println("The next turn of the conversation (the poem, then a new question):");
      Generation next =
          genvault.generate(
              GenerationRequest.continuing(
                  first, List.of(Message.user("Now one about backups, please"))),
              model);
      out.println("ID:     " + next.id());
      out.println("Text:   " + next.text());
      out.println(
          next.parentId() == null
              ? "Thread: stored whole (no earlier turn to continue)"
              : "Thread: continues "
                  + next.parentId()
                  + "; its row stores the new message only, and reads back the whole"
                  + " conversation ("
                  + next.request().messages().size()
                  + " messages)");
      printCost(out, next, ", the same turn of an earlier run");

      out.println();
      String select =
          "SELECT id, status, cost_usd, cached_from, parent_id FROM generations WHERE id IN ('"
              + first.id()
              + "', '"
              + second.id()
              + "', '"
              + next.id()
              + "')";
      if (isFile(database)) {
        String file = database == null ? "genvault.db" : database;
        out.println("The rows are in " + file + "; read them now with:");
        out.println("  sqlite3 " + file + " \"" + select + "\"");
      } else {
        out.println("The rows are in the database of GENVAULT_DB; read them now with:");
        out.println("  " + select);
      }
      out.println(
          "Their URLs answer once GenerationRoutes serves this generator (README, \"URLs\");"
              + " the quick start starts no server:");
      out.println("  " + genvault.url(first));
      out.println("  " + genvault.url(second));
      out.println("  " + genvault.url(next) + "   (its JSON lists the whole thread)");
      return new Generation[] {first, second, next};
    }
  }

  /**
   * An S3 client when {@code GENVAULT_S3_BUCKET} is set, else none. Credentials come from the AWS
   * default chain ({@code AWS_ACCESS_KEY_ID}, profiles, roles), the region from {@code AWS_REGION}
   * (us-east-1 when unset). With {@code GENVAULT_S3_ENDPOINT} (MinIO, R2, ...): that endpoint,
   * path-style access and checksums only where required.
   */
  static @Nullable S3Client s3(Map<String, String> env) {
    String bucket = env.get("GENVAULT_S3_BUCKET");
    if (bucket == null || bucket.isBlank()) {
      return null;
    }
    String region = env.getOrDefault("AWS_REGION", "us-east-1");
    S3ClientBuilder s3 =
        S3Client.builder()
            .region(Region.of(region))
            .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD));
    String endpoint = env.get("GENVAULT_S3_ENDPOINT");
    if (endpoint != null && !endpoint.isBlank()) {
      s3.endpointOverride(URI.create(endpoint))
          .forcePathStyle(true)
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return s3.build();
  }

  /** Files in {@code GENVAULT_S3_BUCKET} through the client when there is one, else the folder. */
  static BlobStore blobStore(Map<String, String> env, @Nullable S3Client s3, Path data) {
    if (s3 == null) {
      return BlobStore.filesystem(data.resolve("blobs"));
    }
    return S3BlobStore.create(s3, env.get("GENVAULT_S3_BUCKET").strip());
  }

  /** The OpenAI-compatible client when {@code OPENAI_API_KEY} is set, else none. */
  private static @Nullable OpenAiClient openAi(Map<String, String> env) {
    String apiKey = env.get("OPENAI_API_KEY");
    if (apiKey == null || apiKey.isBlank()) {
      return null;
    }
    // OPENAI_BASE_URL (if set) points at any OpenAI-compatible server.
    OpenAiClient.Builder openai = OpenAiClient.builder().apiKey(apiKey);
    String openAiBaseUrl = env.get("OPENAI_BASE_URL");
    if (openAiBaseUrl != null && !openAiBaseUrl.isBlank()) {
      openai.baseUrl(openAiBaseUrl);
    }
    return openai.build();
  }

  /**
   * The store {@code GENVAULT_DB} names: unset, {@code ./genvault.db}; a URL, that database (see
   * {@link JdbcGenerationStore#create(String)}); anything else, a SQLite file.
   */
  static JdbcGenerationStore openStore(@Nullable String database) {
    if (database == null) {
      return JdbcGenerationStore.sqlite(Path.of("genvault.db"));
    }
    if (database.isBlank()) {
      throw new IllegalArgumentException(
          "GENVAULT_DB is set but empty: unset it to use ./genvault.db, or set it to a SQLite file"
              + " (data/genvault.db), a JDBC URL (jdbc:sqlite:..., jdbc:postgresql://...,"
              + " jdbc:h2:...) or a postgres://user:password@host:5432/db URL");
    }
    if (isFile(database)) {
      return JdbcGenerationStore.sqlite(Path.of(database));
    }
    try {
      return JdbcGenerationStore.create(database);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("GENVAULT_DB: " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code GENVAULT_DB} names a SQLite file rather than a URL (a scheme before a colon).
   */
  private static boolean isFile(@Nullable String database) {
    return database == null || !database.strip().matches("^[A-Za-z][A-Za-z0-9+.-]+:.*");
  }

  /**
   * What a generation cost: its usage and price, or, when the dedup cache served it, where it was
   * copied from ({@code earlier} says more of that generation) and what that saved.
   */
  private static void printCost(PrintStream out, Generation g, String earlier) {
    if (g.cachedFrom() != null) {
      out.println("Dedup:  served from the cache, copied from " + g.cachedFrom() + earlier);
      out.println(savings(g));
    } else {
      out.println("Usage:  " + describe(g.usage()));
      out.println("Cost:   " + describe(g.cost()));
    }
  }

  private static String savings(Generation copy) {
    return "Cost:   $"
        + copy.cost().usd().toPlainString()
        + ", saved $"
        + (copy.savedCost() == null ? "unknown" : copy.savedCost().toPlainString());
  }

  private static String describe(@Nullable Usage usage) {
    if (usage == null) {
      return "not reported";
    }
    return usage.inputTokens() + " input tokens, " + usage.outputTokens() + " output tokens";
  }

  private static String describe(@Nullable Cost cost) {
    if (cost == null) {
      return "unknown (the price table does not know this model)";
    }
    String amount = "$" + cost.usd().toPlainString();
    if (PriceSource.OVERRIDE.equals(cost.source())) {
      return amount
          + " at the quick start's own price for the demo model: $"
          + DEMO_INPUT_PRICE
          + " per million input tokens, $"
          + DEMO_OUTPUT_PRICE
          + " per million output tokens (Pricing.builder().override)";
    }
    return amount + " from the bundled price table, version " + cost.source().id();
  }
}
