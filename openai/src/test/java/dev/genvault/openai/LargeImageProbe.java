package dev.genvault.openai;

import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.GenerationStore;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.SplittableRandom;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okio.Buffer;

/**
 * Run in its own small-heap JVM by {@link OpenAiClientLargeImageTest}: serves a 25 MB {@code
 * b64_json} image and has the client store it. Prints {@code OK bytes sha256} on success.
 */
public final class LargeImageProbe {
  private LargeImageProbe() {}

  public static void main(String[] args) throws Exception {
    int size = Integer.parseInt(args[0]);
    Path dir = Path.of(args[1]);
    MessageDigest expected = MessageDigest.getInstance("SHA-256");
    Buffer body = new Buffer().writeUtf8("{\"created\":1,\"data\":[{\"b64_json\":\"");
    SplittableRandom random = new SplittableRandom(1);
    byte[] chunk = new byte[3 * 4096];
    for (int written = 0; written < size; written += chunk.length) {
      random.nextBytes(chunk);
      expected.update(chunk);
      body.writeUtf8(Base64.getEncoder().encodeToString(chunk));
    }
    body.writeUtf8("\"}]}");
    try (MockWebServer server = new MockWebServer()) {
      server.setServerSocketFactory(new NoDelayServerSockets());
      server.start(InetAddress.getLoopbackAddress(), 0);
      server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .setHeader("Content-Type", "application/json")
              .body(body)
              .build());
      body = null;
      try (OpenAiClient openai =
              OpenAiClient.builder()
                  .apiKey("sk-test")
                  .baseUrl(server.url("/v1").toString())
                  .build();
          PersistentGenerator genvault =
              PersistentGenerator.builder()
                  .store(GenerationStore.inMemory())
                  .blobs(BlobStore.filesystem(dir))
                  .build()) {
        Generation g = genvault.generate(GenerationRequest.image("gpt-image-1", "noise"), openai);
        Path file = dir.resolve(g.blobs().get(0).key());
        System.out.println(
            "OK "
                + Files.size(file)
                + " "
                + g.blobs().get(0).sha256()
                + " "
                + HexFormat.of().formatHex(expected.digest()));
      }
    }
  }
}
