package dev.genvault.examples.faults;

import dev.genvault.CheckpointPolicy;
import dev.genvault.GenerationStream;
import dev.genvault.examples.ProductionWiring;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The process {@link CrashFaultTest} kills: the production stack on the suite's servers, streaming
 * {@code 4} generations at once and logging each piece it receives, with the wall-clock
 * millisecond, before it is killed with {@code kill -9} at some moment.
 *
 * <p>Output lines: {@code ID {id}} per generation, then {@code EMIT {millis} {id} |{piece}|}.
 */
public final class CrashChild {
  /** The checkpoint interval of the child: the most text a crash may lose, plus one write. */
  static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(100);

  private CrashChild() {}

  /** Arguments: database URL, provider base URL, S3 endpoint, bucket, Redis URL. */
  public static void main(String[] args) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("GENVAULT_DB_URL", args[0]);
    env.put("GENVAULT_DB_USER", "postgres");
    env.put("OPENAI_BASE_URL", args[1]);
    env.put("OPENAI_API_KEY", FaultStack.CANARY_KEY);
    env.put("GENVAULT_S3_ENDPOINT", args[2]);
    env.put("GENVAULT_S3_BUCKET", args[3]);
    env.put("AWS_ACCESS_KEY_ID", dev.genvault.examples.EmbeddedServers.S3_ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", dev.genvault.examples.EmbeddedServers.S3_SECRET_KEY);
    env.put("GENVAULT_REDIS_URL", args[4]);
    env.put("GENVAULT_HTTP_PORT", "0");
    PrintStream out = System.out;
    // Budgets on the same database: the kill leaves reservations that a sweep must settle.
    com.zaxxer.hikari.HikariDataSource ledgerPool = new com.zaxxer.hikari.HikariDataSource();
    ledgerPool.setJdbcUrl(args[0]);
    ledgerPool.setMaximumPoolSize(2);
    dev.genvault.Budgets budgets =
        CrashFaultTest.budgets(dev.genvault.jdbc.JdbcBudgetLedger.create(ledgerPool));
    ProductionWiring app =
        ProductionWiring.start(
            env,
            b ->
                b.checkpointPolicy(new CheckpointPolicy(CHECKPOINT_INTERVAL, 64)).budgets(budgets));
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      GenerationStream stream =
          app.generator().stream(
              FaultStack.ask("crash", "story " + System.nanoTime()), app.model());
      print(out, "ID " + stream.id());
      Thread reader =
          new Thread(
              () -> {
                for (String piece : stream) {
                  print(
                      out,
                      "EMIT "
                          + System.currentTimeMillis()
                          + " "
                          + stream.id()
                          + " |"
                          + piece
                          + "|");
                }
              });
      reader.start();
      readers.add(reader);
    }
    for (Thread reader : readers) {
      reader.join();
    }
    print(out, "DONE");
    app.close();
  }

  private static void print(PrintStream out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
