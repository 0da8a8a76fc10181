package dev.genvault.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

class SseReaderTest {
  private static List<SseReader.Event> read(String text) throws IOException {
    return read(new Buffer().writeUtf8(text), 1 << 20);
  }

  private static List<SseReader.Event> read(BufferedSource source, long max) throws IOException {
    SseReader reader = new SseReader(source, max);
    List<SseReader.Event> events = new ArrayList<>();
    SseReader.Event e;
    while ((e = reader.next()) != null) {
      events.add(e);
    }
    return events;
  }

  /** A source that hands out one byte per read, as a slow network would. */
  private static BufferedSource oneByteAtATime(byte[] bytes) {
    Buffer all = new Buffer().write(bytes);
    return Okio.buffer(
        new Source() {
          @Override
          public long read(Buffer sink, long byteCount) {
            if (all.size() == 0) {
              return -1;
            }
            sink.write(all, 1);
            return 1;
          }

          @Override
          public Timeout timeout() {
            return Timeout.NONE;
          }

          @Override
          public void close() {}
        });
  }

  @Test
  void data_lines_join_with_newlines_and_one_leading_space_is_dropped() throws IOException {
    List<SseReader.Event> events = read("data: first\ndata:second\ndata:  third\n\n");
    assertThat(events)
        .singleElement()
        .satisfies(e -> assertThat(e.data()).isEqualTo("first\nsecond\n third"));
  }

  @Test
  void comments_and_keep_alives_are_ignored() throws IOException {
    assertThat(read(": keep-alive\n\n:\ndata: x\n\n: bye\n\n"))
        .extracting(SseReader.Event::data)
        .containsExactly("x");
  }

  @Test
  void crlf_and_lone_cr_end_lines_too() throws IOException {
    assertThat(read("data: a\r\n\r\ndata: b\r\rdata: c\n\n"))
        .extracting(SseReader.Event::data)
        .containsExactly("a", "b", "c");
  }

  @Test
  void event_and_id_fields_are_kept_and_unknown_fields_ignored() throws IOException {
    List<SseReader.Event> events =
        read("event: response.completed\nid: 7\nretry: 100\nfoo: bar\ndata: {}\n\ndata: next\n\n");
    assertThat(events.get(0).event()).isEqualTo("response.completed");
    assertThat(events.get(0).id()).isEqualTo("7");
    assertThat(events.get(1).event()).isEqualTo("message");
    assertThat(events.get(1).id()).as("the last id carries over").isEqualTo("7");
  }

  @Test
  void empty_data_is_an_event_and_a_blank_block_is_not() throws IOException {
    assertThat(read("data:\n\n\n\nevent: x\n\n"))
        .extracting(SseReader.Event::data)
        .containsExactly("");
  }

  @Test
  void a_last_event_without_a_trailing_blank_line_is_delivered() throws IOException {
    assertThat(read("data: one\n\ndata: [DONE]"))
        .extracting(SseReader.Event::data)
        .containsExactly("one", "[DONE]");
  }

  @Test
  void utf8_characters_split_across_reads_and_u2028_survive() throws IOException {
    String text = "data: {\"c\":\"日本語 🧪 \u2028 end\"}\n\n";
    List<SseReader.Event> events =
        read(oneByteAtATime(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 1 << 20);
    assertThat(events)
        .singleElement()
        .satisfies(e -> assertThat(e.data()).isEqualTo("{\"c\":\"日本語 🧪 \u2028 end\"}"));
  }

  @Test
  void a_line_over_the_limit_fails_instead_of_filling_memory() {
    assertThatThrownBy(
            () -> read(new Buffer().writeUtf8("data: " + "x".repeat(5000) + "\n\n"), 1024))
        .isInstanceOf(SseReader.LineTooLongException.class);
    assertThatThrownBy(() -> read(new Buffer().writeUtf8("data: " + "x".repeat(5000)), 1024))
        .isInstanceOf(SseReader.LineTooLongException.class);
  }
}
