package dev.genvault.openaijava;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.Message;
import dev.genvault.openaijava.OpenAiJava.Api;
import dev.genvault.testsupport.JsonVariants;
import dev.genvault.testsupport.JsonVariants.Change;
import dev.genvault.testsupport.JsonVariants.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mechanically broken streams through the SDK: from the tests' intact chat and Responses streams,
 * every member of every event is removed, nulled, made an unknown string, an empty string, an empty
 * object, or a number (-1 and 1e308). Each variant must end in a stored, terminal record: complete,
 * or an error of a type a broken answer can have; never an exception other than {@link
 * GenerationFailedException}, never a row left pending.
 */
class OpenAiJavaVariantsTest extends LocalServerTest {
  private static final Set<ErrorType> BROKEN_ANSWER =
      EnumSet.of(ErrorType.INVALID_RESPONSE, ErrorType.STREAM_INCOMPLETE, ErrorType.PROVIDER_ERROR);

  /** Each event of the API's intact stream broken in each way: the variants. */
  record EventVariant(int event, Variant variant) {
    @Override
    public String toString() {
      return "event " + event + " " + variant;
    }
  }

  static List<EventVariant> variants(String stream) {
    List<EventVariant> all = new ArrayList<>();
    List<String> events = JsonVariants.events(stream);
    for (int e = 0; e < events.size(); e++) {
      for (Variant v : JsonVariants.of(events.get(e), EnumSet.allOf(Change.class))) {
        all.add(new EventVariant(e, v));
      }
    }
    return all;
  }

  /**
   * Every variant, one after another through one SDK client and one generator (each its own prompt,
   * so none is a dedup hit); every variant that breaks the promise is reported.
   */
  @ParameterizedTest
  @EnumSource(Api.class)
  void every_broken_answer_ends_in_a_terminal_record(Api api) throws Exception {
    String stream = api == Api.RESPONSES ? OpenAiJavaResponsesTest.STREAM : OpenAiJavaTest.STREAM;
    GenerationRequest intact =
        api == Api.RESPONSES ? OpenAiJavaResponsesTest.haiku() : OpenAiJavaTest.haiku();
    List<String> events = JsonVariants.events(stream);
    OpenAiJava openai = OpenAiJava.wrap(sdk(), api);
    SoftAssertions softly = new SoftAssertions();
    List<EventVariant> variants = variants(stream);
    for (int v = 0; v < variants.size(); v++) {
      EventVariant variant = variants.get(v);
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < events.size(); i++) {
        body.append(chunk(i == variant.event() ? variant.variant().json() : events.get(i)));
      }
      if (api == Api.CHAT_COMPLETIONS) {
        body.append("data: [DONE]\n\n");
      }
      server.enqueue(sse(body.toString()));
      GenerationRequest request =
          intact.toBuilder().messages(List.of(Message.user("A haiku, variant " + v))).build();

      String id;
      boolean returned;
      try {
        id = genvault.generate(request, openai).id();
        returned = true;
      } catch (GenerationFailedException e) {
        id = e.generationId();
        returned = false;
      }

      String which = variant.toString();
      String generationId = id;
      Awaitility.await()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(10))
          .atMost(Duration.ofSeconds(10))
          .until(() -> store.find(generationId).map(Generation::isTerminal).orElse(false));
      Generation row = store.find(id).orElseThrow();
      if (row.status() == GenerationStatus.COMPLETE) {
        softly.assertThat(returned).as(which + ": the caller got the complete record").isTrue();
      } else {
        softly.assertThat(row.status()).as(which).isEqualTo(GenerationStatus.ERROR);
        softly.assertThat(row.errorType()).as(which).isIn(BROKEN_ANSWER);
        softly.assertThat(row.errorMessage()).as(which).isNotBlank();
      }
    }
    softly.assertAll();
    assertThat(variants).hasSizeGreaterThan(100);
  }
}
