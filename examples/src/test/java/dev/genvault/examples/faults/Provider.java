package dev.genvault.examples.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;

/**
 * The model provider of the fault suite: a MockWebServer on 127.0.0.1 with TCP_NODELAY (without it
 * every answer waits 44 ms for Nagle and delayed ACK), speaking OpenAI's streamed chat completions.
 * Each request takes the next scripted answer, or a short complete stream.
 */
final class Provider implements AutoCloseable {
  /** The text of the default answer. */
  static final String DEFAULT_TEXT = "Old pond, frog jumps in";

  private final MockWebServer server = new MockWebServer();
  private final ConcurrentLinkedQueue<Supplier<MockResponse>> script =
      new ConcurrentLinkedQueue<>();
  private final AtomicInteger requests = new AtomicInteger();
  final List<String> authorizations = new CopyOnWriteArrayList<>();

  Provider() {
    server.setServerSocketFactory(new NoDelay());
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            requests.incrementAndGet();
            authorizations.add(String.valueOf(request.getHeaders().get("Authorization")));
            Supplier<MockResponse> next = script.poll();
            return next != null ? next.get() : complete(DEFAULT_TEXT);
          }
        });
    try {
      server.start(InetAddress.getLoopbackAddress(), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The server's port. */
  int port() {
    return server.getPort();
  }

  /** Requests received so far. */
  int requests() {
    return requests.get();
  }

  /** The next request gets this answer. */
  void next(Supplier<MockResponse> answer) {
    script.add(answer);
  }

  /** A stream that sends {@code text} in pieces of a few characters, then stops normally. */
  static MockResponse complete(String text) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < text.length(); i += 4) {
      body.append(delta(text.substring(i, Math.min(text.length(), i + 4))));
    }
    return sse(body.append(end()).toString());
  }

  /** The text of {@link #slow}: {@code t0 t1 ... t(n-1) }. */
  static String slowText(int events) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < events; i++) {
      text.append('t').append(i).append(' ');
    }
    return text.toString();
  }

  /** {@link #slowText} as one event per token, sent at about {@code bytesPerSecond}. */
  static MockResponse slow(int events, long bytesPerSecond) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < events; i++) {
      body.append(delta("t" + i + " "));
    }
    body.append(end());
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/event-stream")
        .body(body.toString())
        .throttleBody(bytesPerSecond / 50, 20, TimeUnit.MILLISECONDS)
        .build();
  }

  static MockResponse sse(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/event-stream")
        .body(body)
        .build();
  }

  /**
   * A stream written as the test says; the body runs until the connection closes, which it does
   * when the body ends.
   */
  static MockResponse sse(MockResponseBody body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/event-stream")
        .body(body)
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
        .build();
  }

  /** One event carrying {@code text}. */
  static String delta(String text) {
    return "data: {\"id\":\"chatcmpl-f\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"content\":\""
        + text.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\"},\"finish_reason\":null}]}\n\n";
  }

  /** The normal end: finish reason, usage, {@code [DONE]}. */
  static String end() {
    return "data: {\"id\":\"chatcmpl-f\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
        + "\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: {\"id\":\"chatcmpl-f\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],"
        + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,\"total_tokens\":46}}\n\n"
        + "data: [DONE]\n\n";
  }

  /**
   * A stream the test writes event by event: {@link #send} a piece of text, {@link #finish()},
   * {@link #stop()} (the body ends without a finish: a truncated stream) or {@link #raw} anything
   * else.
   */
  static final class Live implements MockResponseBody {
    private static final String END = "\u0000end";
    private final BlockingQueue<String> steps = new LinkedBlockingQueue<>();
    final StringBuffer sent = new StringBuffer();

    void send(String text) {
      sent.append(text);
      steps.add(delta(text));
    }

    void raw(String event) {
      steps.add(event);
    }

    void finish() {
      steps.add(end());
      steps.add(END);
    }

    void stop() {
      steps.add(END);
    }

    @Override
    public long getContentLength() {
      return -1;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      while (true) {
        @Nullable String step;
        try {
          step = steps.poll(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (step == null || step.equals(END)) {
          return;
        }
        sink.writeUtf8(step).flush();
      }
    }
  }

  @Override
  public void close() {
    server.close();
  }

  /** Server sockets whose accepted connections set TCP_NODELAY. */
  private static final class NoDelay extends ServerSocketFactory {
    @Override
    public ServerSocket createServerSocket() throws IOException {
      return new ServerSocket() {
        @Override
        public Socket accept() throws IOException {
          Socket s = super.accept();
          s.setTcpNoDelay(true);
          return s;
        }
      };
    }

    @Override
    public ServerSocket createServerSocket(int port) {
      throw new UnsupportedOperationException("MockWebServer binds the socket it creates");
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) {
      throw new UnsupportedOperationException("MockWebServer binds the socket it creates");
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) {
      throw new UnsupportedOperationException("MockWebServer binds the socket it creates");
    }
  }
}
