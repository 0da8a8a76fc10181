package dev.genvault.s3;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Records every HTTP request the client sends (each retry too): operation and headers. */
final class RequestLog implements ExecutionInterceptor {
  /**
   * One request as sent: its operation, whether it carries a Content-MD5, and the payload hash
   * header (a signed payload, {@code UNSIGNED-PAYLOAD}, or absent).
   */
  record Sent(String operation, boolean hasContentMd5, String payloadHash) {
    /** Whether the store can verify the body: a Content-MD5, or a body signed chunk by chunk. */
    boolean isVerifiable() {
      return hasContentMd5 || payloadHash.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    }
  }

  final List<Sent> sent = new CopyOnWriteArrayList<>();

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    sent.add(
        new Sent(
            attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
            context.httpRequest().firstMatchingHeader("Content-MD5").isPresent(),
            context.httpRequest().firstMatchingHeader("x-amz-content-sha256").orElse("")));
  }

  List<String> operations() {
    return sent.stream().map(Sent::operation).toList();
  }
}
