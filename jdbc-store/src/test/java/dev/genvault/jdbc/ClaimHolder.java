package dev.genvault.jdbc;

import dev.genvault.GenerationRequest;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * An instance of the application in a JVM of its own, for a test to kill: it submits a request
 * whose model call never ends, prints {@code HOLDING <id>} once the generation holds its claim in
 * the database, and waits to be killed.
 *
 * <p>Arguments: JDBC URL, tenant, prompt, lease (ISO-8601, e.g. {@code PT5S}).
 */
final class ClaimHolder {
  private ClaimHolder() {}

  /** The request the holder and the test's instances send alike. */
  static GenerationRequest request(String tenant, String prompt) {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .prompt(prompt)
        .userId("u1")
        .tenantId(tenant)
        .build();
  }

  public static void main(String[] args) throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    JdbcGenerationStore store = JdbcGenerationStore.create(args[0]);
    PersistentGenerator generator =
        PersistentGenerator.builder()
            .store(store)
            .cache(JdbcDedupCache.create(store))
            .lease(Duration.parse(args[3]))
            .build();
    ModelClient stuck =
        ModelClient.of(
            "stuck",
            call -> {
              call.emit("half an ");
              never.await();
              return ModelResult.text("answer");
            });
    String id = generator.submit(request(args[1], args[2]), stuck);
    System.out.println("HOLDING " + id);
    System.out.flush();
    never.await();
  }
}
