package dev.genvault.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code prefix-1}, {@code prefix-2}, ...: none keeps the JVM running. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory of daemon threads named after {@code prefix}. */
  public static ThreadFactory factory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** A pool of daemon threads, made when needed and ended after a minute idle. */
  public static ExecutorService cachedPool(String prefix) {
    return Executors.newCachedThreadPool(factory(prefix));
  }
}
