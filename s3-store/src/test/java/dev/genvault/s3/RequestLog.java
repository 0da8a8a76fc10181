package dev.genvault.s3;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Records every HTTP request the client sends (each retry too): operation and headers. */
final class RequestLog implements ExecutionInterceptor {
  /** One request as sent. */
  record Sent(String operation, boolean hasContentMd5) {}

  final List<Sent> sent = new CopyOnWriteArrayList<>();

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    sent.add(
        new Sent(
            attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
            context.httpRequest().firstMatchingHeader("Content-MD5").isPresent()));
  }

  List<String> operations() {
    return sent.stream().map(Sent::operation).toList();
  }
}
