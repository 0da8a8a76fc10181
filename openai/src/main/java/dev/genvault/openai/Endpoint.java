package dev.genvault.openai;

import java.util.Map;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;

/**
 * Where requests go and how they say who sends them: the base URL and its query parameters, the key
 * (as {@code Authorization: Bearer} or in a header of the caller's choice), organization and
 * project. Checked once, when the client is built, so each call cannot fail on them. Holds the key:
 * its {@link #toString()} does not show it.
 */
final class Endpoint {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String DEFAULT_URL = "https://api.openai.com/v1";

  private final String baseUrl;
  private final String apiKey;
  private final @Nullable String apiKeyHeader;
  private final @Nullable String organization;
  private final @Nullable String project;
  private final Map<String, String> queryParameters;

  private Endpoint(
      String baseUrl,
      String apiKey,
      @Nullable String apiKeyHeader,
      @Nullable String organization,
      @Nullable String project,
      Map<String, String> queryParameters) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.apiKeyHeader = apiKeyHeader;
    this.organization = organization;
    this.project = project;
    this.queryParameters = Map.copyOf(queryParameters);
  }

  /**
   * The endpoint, checked.
   *
   * @param baseUrl the base URL, or null or blank for OpenAI's
   * @param baseUrlSource where the base URL came from, named in a message about it (e.g. {@code
   *     OPENAI_BASE_URL}), or null when the caller set it
   * @throws IllegalStateException if there is no key
   * @throws IllegalArgumentException if the base URL, the key or a header cannot be used, saying
   *     what to change
   */
  static Endpoint of(
      @Nullable String apiKey,
      @Nullable String baseUrl,
      @Nullable String baseUrlSource,
      @Nullable String apiKeyHeader,
      @Nullable String organization,
      @Nullable String project,
      Map<String, String> queryParameters) {
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalStateException(
          "an API key is required: set OPENAI_API_KEY or call apiKey(...)");
    }
    String url = baseUrl == null || baseUrl.isBlank() ? DEFAULT_URL : baseUrl.strip();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    if (HttpUrl.parse(url) == null) {
      throw new IllegalArgumentException(
          (baseUrlSource == null ? "" : baseUrlSource + ": ")
              + "the base URL \""
              + url
              + "\" is not an http(s) URL: start it with https:// (or http:// for a server on"
              + " your machine or network), e.g. https://api.openai.com/v1 or"
              + " http://localhost:11434/v1");
    }
    String key = apiKey.strip();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if ((c < 0x20 && c != '\t') || c >= 0x7f) {
        throw new IllegalArgumentException(
            "the API key has a character that cannot be sent in an HTTP header, at index "
                + i
                + ": check it for a stray character, quote or line break");
      }
    }
    checkHeader("apiKeyHeader", apiKeyHeader, "x");
    checkHeader("OpenAI-Organization", "OpenAI-Organization", organization);
    checkHeader("OpenAI-Project", "OpenAI-Project", project);
    return new Endpoint(url, key, apiKeyHeader, organization, project, queryParameters);
  }

  /** Fails clearly, at build, for a header name or value OkHttp would refuse at each call. */
  private static void checkHeader(String what, @Nullable String name, @Nullable String value) {
    if (name == null || value == null) {
      return;
    }
    try {
      new Headers.Builder().add(name, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " cannot be sent: " + e.getMessage(), e);
    }
  }

  String baseUrl() {
    return baseUrl;
  }

  /** The redactor that removes this endpoint's key, and any other token, from messages. */
  Redactor redactor() {
    return new Redactor(apiKey);
  }

  /** A POST of the JSON body to the path below the base URL, with the key and the headers. */
  Request post(String path, String json, boolean eventStream) {
    Request.Builder request =
        new Request.Builder()
            .url(url(path))
            .header("Accept", eventStream ? "text/event-stream" : "application/json")
            .post(RequestBody.create(json, JSON));
    if (apiKeyHeader == null) {
      request.header("Authorization", "Bearer " + apiKey);
    } else {
      request.header(apiKeyHeader, apiKey);
    }
    if (organization != null) {
      request.header("OpenAI-Organization", organization);
    }
    if (project != null) {
      request.header("OpenAI-Project", project);
    }
    return request.build();
  }

  private HttpUrl url(String path) {
    HttpUrl parsed = HttpUrl.get(baseUrl + path);
    if (queryParameters.isEmpty()) {
      return parsed;
    }
    HttpUrl.Builder b = parsed.newBuilder();
    queryParameters.forEach(b::addQueryParameter);
    return b.build();
  }

  @Override
  public String toString() {
    return "Endpoint{baseUrl=" + baseUrl + ", apiKey=[redacted]}";
  }
}
