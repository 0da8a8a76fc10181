package dev.genvault.spring.boot;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.genvault.http.GenerationRoutes;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Genvault's routes and pages in the app's servlet container, under {@code genvault.http.path}. */
final class RoutesServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient GenerationRoutes routes;
  private final transient HttpContext context;

  RoutesServlet(GenerationRoutes routes, String path) {
    this.routes = routes;
    this.context = new MountedAt(path, routes.handler());
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    ServletExchange exchange = new ServletExchange(request, response, context);
    routes.handler().handle(exchange);
  }

  @Override
  public void destroy() {
    routes.close();
  }

  /** The mount path, as the routes read it from the exchange's context. */
  private static final class MountedAt extends HttpContext {
    private final String path;
    private HttpHandler handler;
    private final Map<String, Object> attributes = new HashMap<>();
    private final List<Filter> filters = new ArrayList<>();
    private @Nullable Authenticator authenticator;

    MountedAt(String path, HttpHandler handler) {
      this.path = path;
      this.handler = handler;
    }

    @Override
    public HttpHandler getHandler() {
      return handler;
    }

    @Override
    public void setHandler(HttpHandler handler) {
      this.handler = handler;
    }

    @Override
    public String getPath() {
      return path;
    }

    @Override
    public @Nullable HttpServer getServer() {
      return null;
    }

    @Override
    public Map<String, Object> getAttributes() {
      return attributes;
    }

    @Override
    public List<Filter> getFilters() {
      return filters;
    }

    @Override
    public @Nullable Authenticator setAuthenticator(@Nullable Authenticator auth) {
      Authenticator old = authenticator;
      authenticator = auth;
      return old;
    }

    @Override
    public @Nullable Authenticator getAuthenticator() {
      return authenticator;
    }
  }
}
