package dev.genvault.springai;

/** The shared local server and generator; Spring AI's OpenAI API adds {@code /v1} itself. */
abstract class LocalServerTest extends dev.genvault.testsupport.LocalServerTest {
  @Override
  protected String baseUrl() {
    return server.url("/").toString();
  }
}
