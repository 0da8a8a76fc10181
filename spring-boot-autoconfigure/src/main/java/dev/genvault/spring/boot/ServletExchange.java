package dev.genvault.spring.boot;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A servlet request and response as the JDK server's {@link HttpExchange}, which Genvault's routes
 * handle: the request's headers, URI, method and body, and a response whose status and headers go
 * out with {@link #sendResponseHeaders}. The servlet request is the exchange's attribute named
 * {@code jakarta.servlet.http.HttpServletRequest}, so that an {@code Authorizer} can read the
 * signed-in user from it.
 */
final class ServletExchange extends HttpExchange {
  /** The attribute under which an Authorizer finds the servlet request. */
  static final String REQUEST = HttpServletRequest.class.getName();

  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final HttpContext context;
  private final Headers requestHeaders = new Headers();
  private final Headers responseHeaders = new Headers();
  private @Nullable InputStream in;
  private @Nullable OutputStream out;
  private int code = -1;

  ServletExchange(HttpServletRequest request, HttpServletResponse response, HttpContext context) {
    this.request = request;
    this.response = response;
    this.context = context;
    for (String name : Collections.list(request.getHeaderNames())) {
      requestHeaders.put(name, Collections.list(request.getHeaders(name)));
    }
  }

  @Override
  public Headers getRequestHeaders() {
    return requestHeaders;
  }

  @Override
  public Headers getResponseHeaders() {
    return responseHeaders;
  }

  @Override
  public URI getRequestURI() {
    String query = request.getQueryString();
    return URI.create(request.getRequestURI() + (query == null ? "" : "?" + query));
  }

  @Override
  public String getRequestMethod() {
    return request.getMethod();
  }

  @Override
  public HttpContext getHttpContext() {
    return context;
  }

  @Override
  public void close() {
    try {
      getResponseBody().close();
    } catch (IOException e) {
      // the client went away; nothing more to send
    }
  }

  @Override
  public InputStream getRequestBody() {
    if (in == null) {
      try {
        in = request.getInputStream();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return in;
  }

  @Override
  public OutputStream getResponseBody() {
    if (out == null) {
      try {
        out = response.getOutputStream();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /**
   * As the JDK server: a length above 0 is the body's, 0 an unknown length (streamed), -1 no body.
   */
  @Override
  public void sendResponseHeaders(int status, long length) throws IOException {
    if (code != -1) {
      throw new IOException("headers already sent");
    }
    code = status;
    response.setStatus(status);
    for (Map.Entry<String, List<String>> header : responseHeaders.entrySet()) {
      for (String value : header.getValue()) {
        response.addHeader(header.getKey(), value);
      }
    }
    if (length > 0) {
      response.setContentLengthLong(length);
    } else if (length == -1) {
      response.setContentLengthLong(0);
    }
    response.flushBuffer();
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return InetSocketAddress.createUnresolved(request.getRemoteAddr(), request.getRemotePort());
  }

  @Override
  public int getResponseCode() {
    return code;
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return InetSocketAddress.createUnresolved(request.getLocalAddr(), request.getLocalPort());
  }

  @Override
  public String getProtocol() {
    return request.getProtocol();
  }

  @Override
  public @Nullable Object getAttribute(String name) {
    return REQUEST.equals(name) ? request : request.getAttribute(name);
  }

  @Override
  public void setAttribute(String name, @Nullable Object value) {
    request.setAttribute(name, value);
  }

  @Override
  public void setStreams(@Nullable InputStream i, @Nullable OutputStream o) {
    if (i != null) {
      in = i;
    }
    if (o != null) {
      out = o;
    }
  }

  @Override
  public @Nullable HttpPrincipal getPrincipal() {
    return null;
  }
}
