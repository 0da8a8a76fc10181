package dev.genvault;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What admission decided: a finished cache hit, or a live generation to run (lead or join). */
final class Admission {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  private final Runner runner;

  final @Nullable Generation hit;
  final LiveGeneration live;
  final @Nullable ModelClient client;
  final String fingerprint;
  final boolean claimed;
  final @Nullable LiveGeneration localLeader;
  final @Nullable String remoteLeader;

  Admission(Generation hit, Runner runner) {
    this.runner = runner;
    this.hit = hit;
    this.live = null;
    this.client = null;
    this.fingerprint = "";
    this.claimed = false;
    this.localLeader = null;
    this.remoteLeader = null;
  }

  Admission(
      Runner runner,
      LiveGeneration live,
      ModelClient client,
      String fingerprint,
      boolean claimed,
      @Nullable LiveGeneration localLeader,
      @Nullable String remoteLeader) {
    this.runner = runner;
    this.hit = null;
    this.live = live;
    this.client = client;
    this.fingerprint = fingerprint;
    this.claimed = claimed;
    this.localLeader = localLeader;
    this.remoteLeader = remoteLeader;
  }

  Generation run() {
    if (localLeader != null || remoteLeader != null) {
      return runner.runJoiner(
          live, Objects.requireNonNull(client), localLeader, remoteLeader, fingerprint);
    }
    return runner.runLeader(live, Objects.requireNonNull(client), fingerprint, claimed);
  }

  void runQuietly() {
    try {
      run();
    } catch (RuntimeException e) {
      log.error("generation {} failed unexpectedly", live.id(), e);
    }
  }
}
