package dev.genvault.spring.boot;

import dev.genvault.ModelClient;
import dev.genvault.PersistentGenerator;
import dev.genvault.http.Authorizer;
import dev.genvault.http.Caller;
import dev.genvault.http.GenerationRoutes;
import dev.genvault.http.SubmissionPolicy;
import dev.genvault.spi.BlobStore;
import jakarta.servlet.http.HttpServlet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Genvault's routes and pages (a generation's page, its JSON and events, its files; the history
 * with a {@link Caller.Resolver} bean; generate-then-redirect with a {@link SubmissionPolicy} and a
 * {@link ModelClient} bean) in the app's servlet container under {@code genvault.http.path}. Only
 * with the app's {@link Authorizer} bean, which decides who sees what: without one nothing is
 * served.
 */
@AutoConfiguration(after = GenvaultAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({GenerationRoutes.class, HttpServlet.class})
@ConditionalOnBean({PersistentGenerator.class, Authorizer.class})
public class GenvaultRoutesAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "genvaultRoutes")
  ServletRegistrationBean<HttpServlet> genvaultRoutes(
      PersistentGenerator generator,
      BlobStore blobs,
      Authorizer authorizer,
      GenvaultProperties properties,
      ObjectProvider<SubmissionPolicy> policy,
      ObjectProvider<ModelClient> client,
      ObjectProvider<Caller.Resolver> callers) {
    GenerationRoutes.Builder b =
        GenerationRoutes.builder().generator(generator).blobs(blobs).authorizer(authorizer);
    SubmissionPolicy submissions = policy.getIfUnique();
    ModelClient model = client.getIfUnique();
    if (submissions != null && model != null) {
      b.submissions(submissions, model);
    }
    Caller.Resolver resolver = callers.getIfUnique();
    if (resolver != null) {
      b.history(resolver);
    }
    String path = mountPath(properties.getHttp().getPath());
    ServletRegistrationBean<HttpServlet> registration =
        new ServletRegistrationBean<>(new RoutesServlet(b.build(), path), path + "/*");
    registration.setName("genvaultRoutes");
    return registration;
  }

  /** {@code /genvault}, {@code genvault/} and the like as {@code /genvault}. */
  static String mountPath(String path) {
    String p = path.strip();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty() || !p.startsWith("/")) {
      p = "/" + p;
    }
    if (p.equals("/")) {
      throw new IllegalArgumentException(
          "genvault.http.path must name a path under the app's root, such as /genvault");
    }
    return p;
  }
}
