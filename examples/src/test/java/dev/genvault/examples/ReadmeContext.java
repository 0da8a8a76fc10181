package dev.genvault.examples;

import com.sun.net.httpserver.HttpExchange;
import dev.genvault.CostCalculator;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelClient;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import javax.sql.DataSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the READMEs' Java snippets take as given, by the names they use: {@link ReadmeSnippetsTest}
 * compiles each snippet as a member, or a method body, of a subclass of this. Nothing here runs.
 */
abstract class ReadmeContext {
  PersistentGenerator genvault;
  GenerationRequest request;
  ModelClient client;
  DataSource dataSource;
  BlobStore blobs;
  GenerationStore store;
  CostCalculator prices;
  MyExistingClient myExistingClient;
  S3Client s3;
  com.openai.client.OpenAIClient openAIClient;

  /** The signed-in user of a request, or null. */
  abstract String currentUser(HttpExchange exchange);

  /** The tenant of a request's user, or null. */
  abstract String currentTenant(HttpExchange exchange);

  /** The client an application already has. */
  interface MyExistingClient {
    String complete(String prompt);
  }

  /** A store of one's own, as a backend's TCK test makes it. */
  static final class MyStore extends ForwardingGenerationStore {
    MyStore() {
      super(GenerationStore.inMemory());
    }
  }
}
