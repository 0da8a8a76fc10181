/**
 * JMH benchmarks for Genvault, each beside the raw baseline it is compared with, and the streaming
 * load harness. Run with {@code mvn -pl benchmarks -am install -DskipTests} then {@code mvn -pl
 * benchmarks exec:exec -Djmh.args="..."}.
 */
package dev.genvault.benchmarks;
