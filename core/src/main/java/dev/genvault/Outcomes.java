package dev.genvault;

import dev.genvault.spi.BlobKeys;
import dev.genvault.spi.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a generation's terminal record is made: complete from the model's result (priced, its
 * provider-chosen values made storable), an error with the text so far, or a cache copy that owns
 * copies of its blobs.
 */
final class Outcomes {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  private static final Set<String> NORMAL_FINISH =
      Set.of(
          "stop",
          "end_turn",
          "stop_sequence",
          "tool_calls",
          "tool_use",
          "function_call",
          "completed",
          "eos",
          "end",
          "finish");

  private static final int MAX_ERROR_MESSAGE = 2000;

  private final Clock clock;
  private final BlobStore blobs;
  private final CostCalculator costs;

  Outcomes(Clock clock, BlobStore blobs, CostCalculator costs) {
    this.clock = clock;
    this.blobs = blobs;
    this.costs = costs;
  }

  Generation completeRecord(LiveGeneration live, ModelResult result) {
    if (!live.hasText() && result.text() != null) {
      live.appendFinal(result.text());
    }
    for (ModelResult.GeneratedBlob file : result.blobs()) {
      live.storeBlob(file.contentType(), new ByteArrayInputStream(file.content()));
    }
    Instant now = clock.instant();
    Generation complete =
        ProviderValues.normalise(
            live.pending.toBuilder()
                .status(GenerationStatus.COMPLETE)
                .text(live.text())
                .finishReason(result.finishReason())
                .usage(result.usage())
                .providerModel(result.providerModel())
                .providerResponseId(result.providerResponseId())
                .toolCalls(result.toolCalls())
                .attributes(result.attributes())
                .blobs(live.blobs())
                .firstTokenAt(live.firstTokenAt())
                .completedAt(now)
                .updatedAt(now)
                .heartbeatAt(null)
                .build());
    Cost cost = null;
    try {
      cost = costs.cost(complete);
    } catch (RuntimeException e) {
      log.warn("pricing generation {} failed; its cost is recorded as unknown", complete.id(), e);
    }
    return complete.toBuilder().cost(cost).build();
  }

  /**
   * The error row of a generation. Files it already stored are deleted first and the row names
   * none: a failed generation leaves no object behind and no row pointing at a missing one.
   */
  Generation errorRecord(LiveGeneration live, ErrorType type, String message) {
    discard(live.id(), live.blobs());
    Instant now = clock.instant();
    return live.pending.toBuilder()
        .error(type, message)
        .text(live.text())
        .blobs(List.of())
        .firstTokenAt(live.firstTokenAt())
        .completedAt(now)
        .updatedAt(now)
        .heartbeatAt(null)
        .build();
  }

  static ErrorType classify(LiveGeneration live, Throwable t) {
    if (live.cancelReason() != null) {
      return live.cancelReason();
    }
    if (t instanceof ProviderException) {
      return ((ProviderException) t).errorType();
    }
    if (t instanceof InterruptedException) {
      return ErrorType.INTERRUPTED;
    }
    return ErrorType.PROVIDER_ERROR;
  }

  static String describe(Throwable t) {
    String message = t.getMessage();
    String text = message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    return ProviderValues.cut(text, MAX_ERROR_MESSAGE);
  }

  static boolean isNormalFinish(@Nullable String finishReason) {
    return finishReason == null || NORMAL_FINISH.contains(finishReason.toLowerCase(Locale.ROOT));
  }

  /**
   * A complete row for a new caller with the original's result, costing nothing, in the caller's
   * place in its thread ({@code link}, as its pending row had it or would have).
   */
  Generation copyOf(
      Generation original,
      String id,
      GenerationRequest request,
      String provider,
      String fingerprint,
      Instant now,
      @Nullable ThreadLink link) {
    List<BlobRef> copies = new ArrayList<>();
    try {
      for (int n = 0; n < original.blobs().size(); n++) {
        copies.add(copyBlob(original.blobs().get(n), id, n));
      }
    } catch (RuntimeException e) {
      discard(id, copies);
      throw e;
    }
    Cost originalCost = original.cost();
    return Generation.builder()
        .id(id)
        .request(request)
        .provider(
            original.provider() == null
                ? ProviderValues.cut(provider, ProviderValues.PROVIDER)
                : original.provider())
        .providerModel(original.providerModel())
        .text(original.text())
        .finishReason(original.finishReason())
        .toolCalls(original.toolCalls())
        .attributes(original.attributes())
        .blobs(copies)
        .status(GenerationStatus.COMPLETE)
        .cachedFrom(original.id())
        .savedCost(originalCost == null ? null : originalCost.usd())
        .cost(Cost.zero(originalCost == null ? PriceSource.CACHE : originalCost.source()))
        .fingerprint(fingerprint)
        .createdAt(now)
        .firstTokenAt(now)
        .completedAt(now)
        .updatedAt(now)
        .link(link)
        .build();
  }

  /** Copies a file so the copy owns it (deleting the original never breaks the copy). */
  private BlobRef copyBlob(BlobRef ref, String id, int n) {
    String key = BlobKeys.forGeneration(id, n, ref.contentType());
    try (InputStream in =
        blobs
            .open(ref.key())
            .orElseThrow(
                () -> new PersistenceException("cached file " + ref.key() + " is gone", null))) {
      return blobs.put(key, in, ref.contentType());
    } catch (IOException e) {
      throw new PersistenceException("could not copy cached file " + ref.key(), e);
    }
  }

  /** Deletes files of a generation that will not be referenced; a failure is only logged. */
  private void discard(String id, List<BlobRef> files) {
    for (BlobRef ref : files) {
      try {
        blobs.delete(ref.key());
      } catch (RuntimeException e) {
        log.warn("could not delete file {} of failed generation {}", ref.key(), id, e);
      }
    }
  }

  static GenerationFailedException failure(Generation g, @Nullable Throwable cause) {
    ErrorType type = g.errorType() == null ? ErrorType.PROVIDER_ERROR : g.errorType();
    return new GenerationFailedException(g.id(), type, String.valueOf(g.errorMessage()), g, cause);
  }
}
