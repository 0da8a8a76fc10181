package dev.genvault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * An offline model for the quick start and tests: it streams deterministic text (the same request
 * always gets the same answer) at a realistic pace, reports usage, and draws a small PNG for image
 * requests. It calls no network and costs nothing. Thread safe.
 */
public final class DemoModel implements ModelClient {
  /** The model name the demo reports. */
  public static final String MODEL = "genvault-demo-1";

  private static final String[] SENTENCES = {
    "Every record keeps its place while the tokens arrive one by one.",
    "A quiet river carries the morning light across old stones.",
    "Nothing is lost on the way to disk, not even the last word.",
    "Clouds drift over patient hills as the ledger grows line after line.",
    "Each answer is written down with its exact cost beside it.",
    "The same question asked twice is answered once and remembered.",
    "A crash in the night leaves the text that had already arrived.",
    "Old pond, a frog jumps in, and the splash is stored for good.",
    "Autumn wind rattles the shutters while the server keeps its heartbeat.",
    "Snow settles on the roof and the checkpoint writes another chunk.",
  };

  private final Duration tokenDelay;
  private final int words;
  private final Sleeper sleeper;

  private DemoModel(Duration tokenDelay, int words, Sleeper sleeper) {
    this.tokenDelay = tokenDelay;
    this.words = words;
    this.sleeper = sleeper;
  }

  /** A demo model emitting up to 40 words at 25 ms each (about 40 tokens per second). */
  public static DemoModel create() {
    return new DemoModel(Duration.ofMillis(25), 40, Sleeper.SYSTEM);
  }

  /** A demo model with the given pace and length (at most this many words, at least 1). */
  public static DemoModel create(Duration tokenDelay, int words) {
    return create(tokenDelay, words, Sleeper.SYSTEM);
  }

  /** A demo model that waits through the given sleeper. */
  public static DemoModel create(Duration tokenDelay, int words, Sleeper sleeper) {
    Objects.requireNonNull(tokenDelay, "tokenDelay");
    if (tokenDelay.isNegative()) {
      throw new IllegalArgumentException("tokenDelay must not be negative");
    }
    if (words < 1) {
      throw new IllegalArgumentException("words must be at least 1: " + words);
    }
    return new DemoModel(tokenDelay, words, Objects.requireNonNull(sleeper, "sleeper"));
  }

  @Override
  public String provider() {
    return "demo";
  }

  @Override
  public ModelResult generate(ModelCall call) throws Exception {
    GenerationRequest request = call.request();
    long inputTokens = estimateTokens(request);
    SplittableRandom random = new SplittableRandom(seed(request));
    if (request.kind() == GenerationKind.IMAGE) {
      int count = request.n() == null ? 1 : request.n();
      for (int i = 0; i < count; i++) {
        call.storeBlob("image/png", new java.io.ByteArrayInputStream(png(random)));
      }
      return ModelResult.builder()
          .finishReason("stop")
          .providerModel(MODEL)
          .usage(Usage.builder().inputTokens(inputTokens).outputTokens(0L).build())
          .build();
    }
    List<String> words = new ArrayList<>();
    int first = random.nextInt(SENTENCES.length);
    for (int i = 0; words.size() < this.words; i++) {
      words.addAll(List.of(SENTENCES[(first + i * 3) % SENTENCES.length].split(" ")));
    }
    int budget = request.maxOutputTokens() == null ? Integer.MAX_VALUE : request.maxOutputTokens();
    // Stop at the end of the last sentence that fits, or cut at the token budget.
    int end = Math.min(this.words, words.size());
    while (end > 1 && !words.get(end - 1).endsWith(".")) {
      end--;
    }
    String finish = "stop";
    if (end > budget) {
      end = budget;
      finish = "length";
    }
    int emitted = 0;
    for (int i = 0; i < end; i++) {
      if (call.isCancelled()) {
        break;
      }
      call.emit(i == 0 ? words.get(i) : " " + words.get(i));
      emitted++;
      if (!tokenDelay.isZero()) {
        sleeper.sleep(tokenDelay);
      }
    }
    return ModelResult.builder()
        .finishReason(finish)
        .providerModel(MODEL)
        .providerResponseId("demo-" + Long.toHexString(seed(request)))
        .usage(Usage.of(inputTokens, emitted))
        .build();
  }

  private static long estimateTokens(GenerationRequest request) {
    long tokens = 0;
    for (Message m : request.conversation()) {
      tokens += 4 + (m.content().length() + 3) / 4;
    }
    return tokens;
  }

  private static long seed(GenerationRequest request) {
    long h = 1125899906842597L;
    for (Message m : request.conversation()) {
      for (byte b : (m.role() + ":" + m.content()).getBytes(StandardCharsets.UTF_8)) {
        h = 31 * h + b;
      }
    }
    return h ^ request.model().hashCode();
  }

  /** A 64×64 gradient as a PNG, written with java.util.zip alone (no AWT): one IDAT, RGB, 8 bit. */
  private static byte[] png(SplittableRandom random) {
    int size = 64;
    int from = random.nextInt(0x1000000);
    int to = random.nextInt(0x1000000);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (int y = 0; y < size; y++) {
      raw.write(0); // filter: none
      for (int x = 0; x < size; x++) {
        float t = (x + y) / 126f;
        for (int shift = 16; shift >= 0; shift -= 8) {
          int a = (from >> shift) & 0xff;
          int b = (to >> shift) & 0xff;
          raw.write(Math.round(a * (1 - t) + b * t));
        }
      }
    }
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(compressed)) {
      raw.writeTo(z);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer header = ByteBuffer.allocate(13).putInt(size).putInt(size);
    header.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0); // RGB, 8 bit
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(out, "IHDR", header.array());
    chunk(out, "IDAT", compressed.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /** A PNG chunk: length, type, data, and the CRC-32 of type and data. */
  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  @Override
  public String toString() {
    return "DemoModel{words=" + words + ", tokenDelay=" + tokenDelay.toMillis() + "ms}";
  }
}
