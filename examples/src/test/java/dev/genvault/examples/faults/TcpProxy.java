package dev.genvault.examples.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on 127.0.0.1 between a client and one server, for fault injection: it forwards bytes
 * both ways until told to {@link #cut()} (every connection reset, new ones refused), to {@link
 * #freeze()} (a black hole: connections stay open but no byte goes through, new ones are accepted
 * and get nothing), or to answer the next connection's request with a canned HTTP response ({@link
 * #answerNext}). {@link #restore()} lets bytes through again.
 */
final class TcpProxy implements AutoCloseable {
  enum Mode {
    OPEN,
    CUT,
    FROZEN
  }

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final AtomicReference<String> nextAnswer = new AtomicReference<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final Object gate = new Object();
  private volatile Mode mode = Mode.OPEN;
  private volatile boolean closed;

  TcpProxy(String name, int targetPort) {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::acceptLoop, "proxy-" + name);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  /** Connections answered with a canned response so far. */
  int answered() {
    return answered.get();
  }

  /** Resets every connection and refuses new ones (each is reset as soon as it is accepted). */
  void cut() {
    synchronized (gate) {
      mode = Mode.CUT;
      gate.notifyAll(); // pumps held by a freeze end now
    }
    // The clients' side first: a pump that sees its server side go would close the client's
    // socket gracefully (FIN), and the client would read a clean end of stream, not a reset.
    clients.forEach(TcpProxy::reset);
    sockets.forEach(TcpProxy::reset);
  }

  /** Holds every byte in both directions, on open connections and new ones alike. */
  void freeze() {
    mode = Mode.FROZEN;
  }

  /** Lets bytes through again. Connections cut stay gone; frozen ones resume. */
  void restore() {
    synchronized (gate) {
      mode = Mode.OPEN;
      gate.notifyAll();
    }
  }

  /**
   * Answers the next connection with {@code rawResponse} after reading its request head, then
   * closes it; open connections are closed first so that the client needs a new one.
   */
  void answerNext(String rawResponse) {
    nextAnswer.set(rawResponse);
    sockets.forEach(TcpProxy::closeQuietly);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      if (mode == Mode.CUT) {
        reset(client);
        continue;
      }
      String answer = nextAnswer.getAndSet(null);
      if (answer != null) {
        start("answer", () -> answer(client, answer, answered));
        continue;
      }
      Socket server;
      try {
        server = new Socket();
        server.connect(target, 2_000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
      } catch (IOException e) {
        reset(client);
        continue;
      }
      clients.add(client);
      sockets.add(client);
      sockets.add(server);
      if (mode == Mode.CUT) { // cut while this one was being connected
        reset(client);
        reset(server);
        continue;
      }
      start("up", () -> pump(client, server));
      start("down", () -> pump(server, client));
    }
  }

  private static void start(String name, Runnable r) {
    Thread t = new Thread(r, "proxy-" + name);
    t.setDaemon(true);
    t.start();
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        awaitOpen();
        if (mode == Mode.CUT) {
          break;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the connection ended or was cut
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
      clients.remove(from);
      clients.remove(to);
    }
  }

  private void awaitOpen() throws InterruptedException {
    synchronized (gate) {
      while (mode == Mode.FROZEN && !closed) {
        gate.wait();
      }
    }
  }

  private static void answer(Socket client, String rawResponse, AtomicInteger answered) {
    try (client) {
      InputStream in = client.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      // Reads up to the blank line that ends the request head.
      for (int b; (b = in.read()) >= 0; ) {
        head.write(b);
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (text.endsWith("\r\n\r\n")) {
          break;
        }
      }
      answered.incrementAndGet();
      OutputStream out = client.getOutputStream();
      out.write(rawResponse.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      // the client went away first
    }
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0); // RST, not FIN: what a crashed server or a cut cable looks like
    } catch (IOException e) {
      // closing anyway
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    restore();
    closeQuietly(listener);
    sockets.forEach(TcpProxy::closeQuietly);
  }

  private static void closeQuietly(ServerSocket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
