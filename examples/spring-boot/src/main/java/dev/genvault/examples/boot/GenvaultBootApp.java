package dev.genvault.examples.boot;

import dev.genvault.DemoModel;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelClient;
import dev.genvault.cost.ModelPrice;
import dev.genvault.cost.Pricing;
import dev.genvault.http.Authorizer;
import dev.genvault.http.Caller;
import dev.genvault.http.SubmissionPolicy;
import dev.genvault.http.Visibility;
import dev.genvault.openai.OpenAiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A Spring Boot app with the Genvault starter and nothing of Genvault's wiring: the app gives its
 * DataSource (a SQLite file), its model, who may see what and what a form may generate; the starter
 * makes the generator, the tables and the pages at {@code http://127.0.0.1:8080/genvault/generate}.
 * Without {@code OPENAI_API_KEY} the model is the offline demo model.
 */
@SpringBootApplication
public class GenvaultBootApp {
  /** The one local user of this demo. */
  static final String USER = "local";

  /** Runs the app until it is stopped. */
  public static void main(String[] args) {
    SpringApplication.run(GenvaultBootApp.class, args);
  }

  /** The app's database: a SQLite file under {@code GENVAULT_DATA} (default genvault-data). */
  @Bean
  DataSource dataSource(@Value("${GENVAULT_DATA:genvault-data}") String data) throws Exception {
    Path folder = Files.createDirectories(Path.of(data));
    // Durable and concurrent: a write-ahead log, flushed on every commit.
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(5_000);
    SQLiteDataSource sqlite = new SQLiteDataSource(config);
    sqlite.setUrl("jdbc:sqlite:" + folder.resolve("boot.db"));
    return sqlite;
  }

  /**
   * The bundled price table, and a price for the offline demo model (the quick start's): the
   * starter backs off for this bean.
   */
  @Bean(destroyMethod = "close")
  Pricing prices() {
    return Pricing.builder().override(DemoModel.MODEL, ModelPrice.of("0.15", "0.60")).build();
  }

  /** OpenAI (or any compatible server) with a key; the offline demo model without one. */
  @Bean
  ModelClient model(
      @Value("${OPENAI_API_KEY:}") String key, @Value("${OPENAI_BASE_URL:}") String url) {
    if (key.isBlank()) {
      return DemoModel.create();
    }
    OpenAiClient.Builder openAi = OpenAiClient.builder().apiKey(key);
    if (!url.isBlank()) {
      openAi.baseUrl(url);
    }
    return openAi.build();
  }

  /** The server, not the form, picks the model: the caller gives the prompt only. */
  @Bean
  SubmissionPolicy submissions(
      ModelClient model, @Value("${GENVAULT_MODEL:gpt-4o-mini}") String modelName) {
    String name = model instanceof DemoModel ? DemoModel.MODEL : modelName;
    return (exchange, posted) ->
        GenerationRequest.builder().model(name).prompt(posted.prompt()).userId(USER).build();
  }

  /** One local user sees all of theirs; nothing else exists here. */
  @Bean
  Authorizer authorizer() {
    return (exchange, owner) -> USER.equals(owner.userId()) ? Visibility.FULL : Visibility.NONE;
  }

  /** The history at /genvault/generations: everything here is the local user's. */
  @Bean
  Caller.Resolver callers() {
    return exchange -> Caller.user(USER);
  }
}
