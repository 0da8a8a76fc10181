package dev.genvault.langchain4j;

import dev.genvault.testsupport.JsonVariants;
import dev.genvault.testsupport.JsonVariants.Change;
import dev.genvault.testsupport.JsonVariants.Variant;
import dev.genvault.testsupport.LocalServerTest;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Mechanically broken answers through LangChain4j's own OpenAI models, wrapped: from the tests'
 * intact whole completion and stream, every member of every event is removed, nulled, made an
 * unknown string, an object, or -1. Whatever LangChain4j makes of each, the generation ends in a
 * stored, terminal record: complete, or an error with a message; never a row left pending.
 */
class VariantsTest extends LocalServerTest {
  /** The ways each value of an answer is broken. */
  private static final Set<Change> CHANGES =
      EnumSet.of(Change.REMOVED, Change.NULL, Change.UNKNOWN, Change.OBJECT, Change.NEGATIVE);

  @Test
  void every_broken_whole_answer_ends_in_a_terminal_record() throws Exception {
    ChatModel model =
        PersistentChatModel.wrap(
            OpenAiChatModel.builder()
                .baseUrl(baseUrl())
                .apiKey("test-key")
                .modelName("gpt-4o-mini")
                .maxRetries(0)
                .build(),
            genvault);
    SoftAssertions softly = new SoftAssertions();
    int v = 0;
    for (Variant broken : JsonVariants.of(PersistentChatModelTest.COMPLETION, CHANGES)) {
      server.enqueue(json(200, broken.json()));
      int n = v++;
      try {
        model.chat(ChatRequest.builder().messages(UserMessage.from("A haiku " + n)).build());
      } catch (RuntimeException thrown) {
        // LangChain4j's own exception, as the app would get it; the record is checked below
      }
      checkRecord(softly, n, "whole variant " + n + ": " + broken);
    }
    softly.assertThat(v).as("variants run").isGreaterThan(50);
    softly.assertAll();
  }

  @Test
  void every_broken_stream_ends_in_a_terminal_record() throws Exception {
    StreamingChatModel model =
        PersistentChatModel.wrap(
            OpenAiStreamingChatModel.builder()
                .baseUrl(baseUrl())
                .apiKey("test-key")
                .modelName("gpt-4o-mini")
                .build(),
            genvault);
    List<String> events = JsonVariants.events(PersistentStreamingChatModelTest.STREAM);
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
        PersistentStreamingChatModelTest.Received received =
            new PersistentStreamingChatModelTest.Received();
        model.chat(
            ChatRequest.builder().messages(UserMessage.from("A haiku " + n)).build(), received);
        Awaitility.await()
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(10))
            .atMost(Duration.ofSeconds(10))
            .until(received.done::isDone);
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
