package dev.genvault.springai;

import dev.genvault.testsupport.JsonVariants;
import dev.genvault.testsupport.JsonVariants.Change;
import dev.genvault.testsupport.JsonVariants.Variant;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Mechanically broken answers through Spring AI's own OpenAI model, wrapped: from the tests' intact
 * whole completion and stream, every member of every event is removed, nulled, made an unknown
 * string, an object, or -1. Whatever Spring AI makes of each, the generation ends in a stored,
 * terminal record: complete, or an error with a message; never a row left pending.
 */
class VariantsTest extends LocalServerTest {
  /** The ways each value of an answer is broken. */
  private static final Set<Change> CHANGES =
      EnumSet.of(Change.REMOVED, Change.NULL, Change.UNKNOWN, Change.OBJECT, Change.NEGATIVE);

  @Test
  void every_broken_whole_answer_ends_in_a_terminal_record() throws Exception {
    ChatModel model =
        PersistentChatModel.wrap(new PersistentChatModelTest().openAi(baseUrl()), genvault);
    SoftAssertions softly = new SoftAssertions();
    int v = 0;
    for (Variant broken : JsonVariants.of(PersistentChatModelTest.COMPLETION, CHANGES)) {
      server.enqueue(json(200, broken.json()));
      int n = v++;
      try {
        model.call(new Prompt("A haiku " + n));
      } catch (RuntimeException thrown) {
        // Spring AI's own exception, as the app would get it; the record is checked below
      }
      checkRecord(softly, n, "whole variant " + n + ": " + broken);
    }
    softly.assertThat(v).as("variants run").isGreaterThan(50);
    softly.assertAll();
  }

  @Test
  void every_broken_stream_ends_in_a_terminal_record() throws Exception {
    ChatModel model =
        PersistentChatModel.wrap(new PersistentChatModelTest().openAi(baseUrl()), genvault);
    List<String> events = JsonVariants.events(PersistentChatModelTest.STREAM);
    SoftAssertions softly = new SoftAssertions();
    int v = 0;
    for (int e = 0; e < events.size(); e++) {
      for (Variant broken : JsonVariants.of(events.get(e), CHANGES)) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
          body.append(chunk(i == e ? broken.json() : events.get(i)));
        }
        server.enqueue(sse(body.append("data: [DONE]\n\n").toString()));
        int n = v++;
        try {
          model.stream(new Prompt("A haiku " + n)).collectList().block(Duration.ofSeconds(10));
        } catch (RuntimeException thrown) {
          // the stream's error, as the app would get it; the record is checked below
        }
        checkRecord(softly, n, "stream variant " + n + ", event " + e + ": " + broken);
      }
    }
    softly.assertThat(v).as("variants run").isGreaterThan(50);
    softly.assertAll();
  }

  /** The {@code n}th variant's record is stored and ends terminal. */
  private void checkRecord(SoftAssertions softly, int n, String which) {
    checkEndedRecord(softly, "A haiku " + n, which);
  }
}
