package dev.genvault.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Compares two operations on one server by alternating them in short slices inside one JVM (on this
 * shared machine a ratio between two JMH benchmarks run one after the other follows the run order):
 * prints the mean throughput of each and the median of the per-pair ratios with their range.
 */
final class Slices {
  /** One operation, run as often as a slice allows. */
  interface Op {
    void run();
  }

  private Slices() {}

  /** Prints a header for {@link #compare}'s lines. */
  static void header(String first, String second) {
    System.out.printf(
        Locale.ROOT, "%-12s %8s %8s %8s %8s %s%n", "case", first, second, "median", "min", "max");
  }

  static void compare(
      String name, Op genvault, Op raw, long sliceMillis, int pairs, long warmupMillis) {
    long warmEnd = System.nanoTime() + warmupMillis * 1_000_000;
    while (System.nanoTime() < warmEnd) {
      slice(genvault, sliceMillis);
      slice(raw, sliceMillis);
    }
    List<Double> ratios = new ArrayList<>();
    double genvaultSum = 0;
    double rawSum = 0;
    for (int i = 0; i < pairs; i++) {
      double g;
      double r;
      if (i % 2 == 0) {
        g = slice(genvault, sliceMillis);
        r = slice(raw, sliceMillis);
      } else {
        r = slice(raw, sliceMillis);
        g = slice(genvault, sliceMillis);
      }
      genvaultSum += g;
      rawSum += r;
      ratios.add(g / r);
    }
    Collections.sort(ratios);
    double median =
        ratios.size() % 2 == 1
            ? ratios.get(ratios.size() / 2)
            : (ratios.get(ratios.size() / 2 - 1) + ratios.get(ratios.size() / 2)) / 2;
    System.out.printf(
        Locale.ROOT,
        "%-12s %8.0f %8.0f %8.2f %8.2f %.2f%n",
        name,
        genvaultSum / pairs,
        rawSum / pairs,
        median,
        ratios.get(0),
        ratios.get(ratios.size() - 1));
  }

  /** Runs the operation for one slice; returns operations per second. */
  static double slice(Op op, long millis) {
    long start = System.nanoTime();
    long end = start + millis * 1_000_000;
    long n = 0;
    long now;
    do {
      op.run();
      n++;
      now = System.nanoTime();
    } while (now < end);
    return n / ((now - start) / 1e9);
  }
}
