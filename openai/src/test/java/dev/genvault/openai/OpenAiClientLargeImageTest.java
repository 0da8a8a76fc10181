package dev.genvault.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 25 MB {@code b64_json} value (18.75 MB of image) is decoded into the blob store while it is
 * read, in a 64 MB heap: holding the text whole, plus its decoded bytes, plus the server's copy
 * would not fit. A response over the body cap is an invalid response, not a store failure.
 */
class OpenAiClientLargeImageTest {
  @TempDir Path dir;

  @Test
  void a_25_megabyte_b64_json_image_is_stored_under_a_64_megabyte_heap() throws Exception {
    int size = 25_000_000 / 4 * 3 / (3 * 4096) * (3 * 4096); // 25 MB of base64, whole chunks
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LargeImageProbe.class.getName(),
                    Integer.toString(size),
                    dir.toString()))
            .redirectErrorStream(true)
            .start();
    String out;
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    String line =
        out.lines()
            .filter(l -> l.startsWith("OK "))
            .findFirst()
            .orElseThrow(() -> new AssertionError(out));
    String[] parts = line.split(" ");
    assertThat(Long.parseLong(parts[1])).isEqualTo(size);
    assertThat(parts[2]).as("stored SHA-256 equals the bytes sent").isEqualTo(parts[3]);
  }
}
