package dev.genvault.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * Compares two operations the way this machine allows (see the benchmarks README): in one JVM on
 * one server, alternating short slices of each, the order within a pair alternating too, so drift
 * hits both alike. The figure is the median of the per-pair throughput ratios, with their range.
 */
final class Slices {
  /** One operation, run by many threads at once. */
  interface Op {
    void run() throws Exception;
  }

  /** What a comparison measured. */
  record Result(String name, double a, double b, double median, double min, double max) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT, "%-36s %10.0f %10.0f %7.2f %7.2f %7.2f", name, a, b, median, min, max);
    }
  }

  static final String HEADER =
      String.format(
          Locale.ROOT,
          "%-36s %10s %10s %7s %7s %7s",
          "case",
          "a ops/s",
          "b ops/s",
          "a/b",
          "min",
          "max");

  private final int threads;
  private final long sliceMillis;
  private final int pairs;
  private final long warmupMillis;

  Slices(int threads, long sliceMillis, int pairs, long warmupMillis) {
    this.threads = threads;
    this.sliceMillis = sliceMillis;
    this.pairs = pairs;
    this.warmupMillis = warmupMillis;
  }

  /** Prints a header for the lines of {@link #compare(String, Op, Op, long, int, long)}. */
  static void header(String first, String second) {
    System.out.printf(
        Locale.ROOT, "%-36s %10s %10s %7s %7s %7s%n", "case", first, second, "a/b", "min", "max");
  }

  /** Compares on one thread and prints the line. */
  static void compare(String name, Op a, Op b, long sliceMillis, int pairs, long warmupMillis)
      throws InterruptedException {
    System.out.println(new Slices(1, sliceMillis, pairs, warmupMillis).compare(name, a, b));
  }

  Result compare(String name, Op a, Op b) throws InterruptedException {
    long warmEnd = System.nanoTime() + warmupMillis * 1_000_000;
    while (System.nanoTime() < warmEnd) {
      slice(a);
      slice(b);
    }
    List<Double> ratios = new ArrayList<>();
    double aSum = 0;
    double bSum = 0;
    for (int i = 0; i < pairs; i++) {
      double x;
      double y;
      if (i % 2 == 0) {
        x = slice(a);
        y = slice(b);
      } else {
        y = slice(b);
        x = slice(a);
      }
      aSum += x;
      bSum += y;
      ratios.add(x / y);
    }
    Collections.sort(ratios);
    int n = ratios.size();
    double median =
        n % 2 == 1 ? ratios.get(n / 2) : (ratios.get(n / 2 - 1) + ratios.get(n / 2)) / 2;
    return new Result(name, aSum / pairs, bSum / pairs, median, ratios.get(0), ratios.get(n - 1));
  }

  /** Runs the operation on every thread for one slice; operations per second in all. */
  double slice(Op op) throws InterruptedException {
    LongAdder done = new LongAdder();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    long[] window = new long[2];
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                try {
                  start.await();
                  long end = window[1];
                  while (System.nanoTime() < end) {
                    op.run();
                    done.increment();
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      w.start();
      workers.add(w);
    }
    window[0] = System.nanoTime();
    window[1] = window[0] + sliceMillis * 1_000_000;
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    long elapsed = System.nanoTime() - window[0];
    return done.sum() / (elapsed / 1e9);
  }
}
