package dev.genvault.openaijava;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import org.junit.jupiter.api.AfterEach;

/** The shared local server and generator, and the SDK's own client for that server. */
abstract class LocalServerTest extends dev.genvault.testsupport.LocalServerTest {
  OpenAIClient sdk;

  /** The SDK's own OkHttp client for the local server, without retries; closed after the test. */
  OpenAIClient sdk() {
    sdk = OpenAIOkHttpClient.builder().baseUrl(baseUrl()).apiKey("test-key").maxRetries(0).build();
    return sdk;
  }

  @AfterEach
  void closeSdk() {
    if (sdk != null) {
      sdk.close();
    }
  }

  /**
   * The usage both streams of the tests report: 1,200 in (1,024 cached), 300 out (100 reasoning).
   */
  static void assertUsageInDetail(Generation g) {
    assertThat(g.usage().inputTokens()).isEqualTo(1200);
    assertThat(g.usage().cacheReadTokens()).isEqualTo(1024);
    assertThat(g.usage().outputTokens()).isEqualTo(300);
    assertThat(g.usage().reasoningTokens()).isEqualTo(100);
  }

  /** Complete with this text, in the store too. */
  void assertCompleteInStore(Generation g, String text) {
    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.text()).isEqualTo(text);
    assertThat(store.find(g.id()).orElseThrow().text()).isEqualTo(text);
  }
}
