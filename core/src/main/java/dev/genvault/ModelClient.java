package dev.genvault;

import java.util.Objects;

/**
 * The one method through which any LLM client plugs into Genvault.
 *
 * <p>A plain client returns the whole text in its {@link ModelResult}; a streaming client pushes
 * each delta of text through {@link ModelCall#emit(String)} as it arrives and returns the usage and
 * finish reason at the end. Wrapping an existing client is one lambda:
 *
 * <pre>{@code
 * ModelClient mine = ModelClient.of("openai", call ->
 *     ModelResult.text(myClient.complete(call.request().prompt())));
 * }</pre>
 *
 * <p>Implementations must be safe for use by many threads at once: the generator calls them from
 * its workers concurrently. To fail, throw: a {@link ProviderException} sets the row's {@link
 * ErrorType}; anything else is recorded as {@link ErrorType#PROVIDER_ERROR}.
 */
@FunctionalInterface
public interface ModelClient {

  /**
   * Runs one generation.
   *
   * @param call the request, the generation's ID, and where to push text and files
   * @return the final result; its text is ignored when text was emitted
   * @throws Exception any failure; the generation then ends in {@link GenerationStatus#ERROR}
   */
  ModelResult generate(ModelCall call) throws Exception;

  /**
   * Refuses a request this client cannot send, before the generator stores anything or spends
   * anything: a kind it does not generate, a parameter its API does not take. Accepts everything by
   * default.
   *
   * @throws IllegalArgumentException saying what cannot be sent and what to do instead
   */
  default void check(GenerationRequest request) {}

  /**
   * Whether the generator may answer this request from its dedup cache, and cache its answer. True
   * by default. A client whose answer depends on more than the request returns false for it: one
   * that runs tools itself, for example, whose results are not in the request.
   */
  default boolean deduplicates(GenerationRequest request) {
    return true;
  }

  /** The provider's name recorded on each generation, e.g. {@code openai}. */
  default String provider() {
    return "custom";
  }

  /** A client with the given provider name around a lambda. */
  static ModelClient of(String provider, ModelClient client) {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(client, "client");
    return new ModelClient() {
      @Override
      public ModelResult generate(ModelCall call) throws Exception {
        return client.generate(call);
      }

      @Override
      public void check(GenerationRequest request) {
        client.check(request);
      }

      @Override
      public boolean deduplicates(GenerationRequest request) {
        return client.deduplicates(request);
      }

      @Override
      public String provider() {
        return provider;
      }

      @Override
      public String toString() {
        return "ModelClient(" + provider + ")";
      }
    };
  }
}
