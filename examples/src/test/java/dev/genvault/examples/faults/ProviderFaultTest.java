package dev.genvault.examples.faults;

import static dev.genvault.examples.faults.FaultStack.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationStream;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The provider failing mid-stream under the production stack: each fault ends the row {@code error}
 * with the right type and the text that had arrived, and the next generation on the same generator
 * works.
 */
class ProviderFaultTest {
  private static FaultStack stack;

  @BeforeAll
  static void start() {
    // A stream silent for 1 s has stalled.
    stack = FaultStack.start(Map.of("GENVAULT_OPENAI_IDLE_TIMEOUT", "1"), b -> {});
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  /** A fault, given the stream and the stack. */
  interface Fault extends BiConsumer<Provider.Live, FaultStack> {}

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of(
            "connection reset",
            (Fault) (live, stack) -> stack.model.cut(), // RST, as a dead peer sends
            ErrorType.STREAM_INCOMPLETE,
            "Connection reset"),
        Arguments.of(
            "error event",
            (Fault)
                (live, stack) ->
                    live.raw(
                        "data: {\"error\":{\"message\":\"The server had an error while"
                            + " processing your request\",\"type\":\"server_error\"}}\n\n"),
            ErrorType.PROVIDER_ERROR,
            "server_error: The server had an error"),
        Arguments.of(
            "truncated stream",
            (Fault) (live, stack) -> live.stop(),
            ErrorType.STREAM_INCOMPLETE,
            "ended without [DONE]"),
        Arguments.of("stall", (Fault) (live, stack) -> {}, ErrorType.TIMEOUT, "timed out between"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void a_fault_mid_stream_ends_the_row_error_with_the_partial_text(
      String name, Fault fault, ErrorType expected, String message) {
    Provider.Live live = new Provider.Live();
    stack.provider.next(() -> Provider.sse(live));
    GenerationStream stream = stack.genvault().stream(ask("alice", name), stack.app.model());
    live.send("Half of ");
    live.send("an answer");
    // The fault strikes once the partial text is checkpointed.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                stack
                    .genvault()
                    .find(stream.id())
                    .orElseThrow()
                    .text()
                    .equals("Half of an answer"));
    fault.accept(live, stack);

    Generation result = stream.result();
    live.stop(); // frees the provider's thread after a stall
    stack.model.restore();
    Generation row = stack.genvault().find(stream.id()).orElseThrow();
    assertThat(result.status()).isEqualTo(GenerationStatus.ERROR);
    assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
    assertThat(row.errorType()).isEqualTo(expected);
    assertThat(row.errorMessage()).contains(message);
    assertThat(row.text()).isEqualTo("Half of an answer");

    Generation next = stack.genvault().generate(ask("alice", name + ", again"), stack.app.model());
    assertThat(next.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(next.text()).isEqualTo(Provider.DEFAULT_TEXT);
  }
}
