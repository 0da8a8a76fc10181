package dev.genvault.redis;

import dev.genvault.GenerationRequest;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.GenerationStore;
import java.time.Duration;

/**
 * The main of a child JVM that claims a request in Redis and stays in the middle of its generation
 * until it is killed: {@code OwnerProcess <redis uri> <namespace> <lease ms> <prompt>}. It prints
 * {@code claimed <id>} once its model has started.
 */
public final class OwnerProcess {
  private OwnerProcess() {}

  public static void main(String[] args) throws Exception {
    RedisDedupCache cache = RedisDedupCache.builder().uri(args[0]).namespace(args[1]).build();
    PersistentGenerator genvault =
        PersistentGenerator.builder()
            .store(GenerationStore.inMemory())
            .cache(cache)
            .lease(Duration.ofMillis(Long.parseLong(args[2])))
            .build();
    GatedClient model = GatedClient.pausing("from ", "the killed owner");
    String id = genvault.submit(GenerationRequest.prompt("gpt-4o-mini", args[3]), model);
    model.paused.await();
    System.out.println("claimed " + id);
    System.out.flush();
    model.gate.await(); // never opened: the parent kills this process
  }
}
