package dev.genvault.openai;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ServerSocketFactory;

/**
 * Server sockets whose accepted connections set TCP_NODELAY: without it, every POST answer from
 * MockWebServer waits 44 ms for Nagle and delayed ACK.
 */
final class NoDelayServerSockets extends ServerSocketFactory {
  private static final class NoDelay extends ServerSocket {
    NoDelay() throws IOException {
      super();
    }

    @Override
    public Socket accept() throws IOException {
      Socket s = super.accept();
      s.setTcpNoDelay(true);
      return s;
    }
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new NoDelay();
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    ServerSocket s = new NoDelay();
    s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    ServerSocket s = new NoDelay();
    s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
    return s;
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
      throws IOException {
    ServerSocket s = new NoDelay();
    s.bind(new java.net.InetSocketAddress(address, port), backlog);
    return s;
  }
}
