package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A client keeps its requests out of the dedup cache: each one calls the model. */
class ClientDedupOptOutTest {
  @Test
  void a_client_that_does_not_deduplicate_is_called_for_every_identical_request() {
    AtomicInteger calls = new AtomicInteger();
    ModelClient runsTools =
        new ModelClient() {
          @Override
          public ModelResult generate(ModelCall call) {
            return ModelResult.text("answer " + calls.incrementAndGet());
          }

          @Override
          public boolean deduplicates(GenerationRequest request) {
            return false;
          }
        };
    ModelClient plain =
        ModelClient.of("plain", call -> ModelResult.text("plain " + calls.incrementAndGet()));
    GenerationRequest request = GenerationRequest.builder().model("m").prompt("p").build();
    try (PersistentGenerator genvault =
        PersistentGenerator.builder()
            .store(GenerationStore.inMemory())
            .cache(DedupCache.caffeine(100))
            .build()) {
      Generation first = genvault.generate(request, runsTools);
      Generation second = genvault.generate(request, runsTools);

      assertThat(calls).hasValue(2);
      assertThat(second.cachedFrom()).isNull();
      assertThat(second.text()).isEqualTo("answer 2");
      assertThat(first.fingerprint()).isNull();

      // Nothing of theirs was cached: a client that deduplicates still calls its model once.
      Generation third = genvault.generate(request, plain);
      Generation fourth = genvault.generate(request, plain);
      assertThat(third.cachedFrom()).isNull();
      assertThat(fourth.cachedFrom()).isEqualTo(third.id());
      assertThat(calls).hasValue(3);
    }
  }
}
