package dev.genvault.springai;

import java.math.BigDecimal;
import java.util.Optional;
import org.springframework.ai.chat.model.ChatResponse;

/**
 * The keys under which a {@link PersistentChatModel}'s responses name their Genvault generation in
 * Spring AI's {@code ChatResponseMetadata}, and helpers to read them.
 *
 * <pre>{@code
 * ChatResponse response = model.call(prompt);
 * String id = GenvaultMetadata.generationId(response).orElseThrow();
 * }</pre>
 */
public final class GenvaultMetadata {
  /** The generation's ID, made before the call (a String). */
  public static final String GENERATION_ID = "genvault.generation-id";

  /** The generation's URL (a String). */
  public static final String URL = "genvault.url";

  /** On a dedup hit, the generation the answer was copied from (a String). */
  public static final String CACHED_FROM = "genvault.cached-from";

  /** The generation's estimated cost in US dollars (a BigDecimal), where its model has a price. */
  public static final String COST_USD = "genvault.cost-usd";

  private GenvaultMetadata() {}

  /** The generation's ID, if a persistent model made the response. */
  public static Optional<String> generationId(ChatResponse response) {
    return Optional.ofNullable(response.getMetadata().<String>get(GENERATION_ID));
  }

  /** The generation's URL, if a persistent model made the response. */
  public static Optional<String> url(ChatResponse response) {
    return Optional.ofNullable(response.getMetadata().<String>get(URL));
  }

  /** The generation a dedup hit was copied from; empty when the model was called. */
  public static Optional<String> cachedFrom(ChatResponse response) {
    return Optional.ofNullable(response.getMetadata().<String>get(CACHED_FROM));
  }

  /** The estimated cost, if known. */
  public static Optional<BigDecimal> costUsd(ChatResponse response) {
    return Optional.ofNullable(response.getMetadata().<BigDecimal>get(COST_USD));
  }
}
