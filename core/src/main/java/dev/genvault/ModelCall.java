package dev.genvault;

import java.io.InputStream;

/**
 * What a {@link ModelClient} gets for one generation: the request, the generation's ID, and where
 * to put the text and files as they arrive. Provided by the generator; safe to use from the thread
 * that runs {@link ModelClient#generate} (and, for {@link #emit}, from one other thread at a time).
 */
public interface ModelCall {

  /** The generation's ID, made before the call. */
  String generationId();

  /** What to generate. */
  GenerationRequest request();

  /**
   * Delivers a delta of text as it arrives: it reaches the caller at once and the store at the next
   * checkpoint. Empty deltas are ignored.
   *
   * @throws GenvaultException with type {@link ErrorType#CANCELLED} if the generation was
   *     cancelled; let it propagate
   */
  void emit(String delta);

  /**
   * Streams a generated file straight into the blob store under {@code generations/{id}/{n}.{ext}}
   * and records it on the generation. The stream is read to its end and not closed.
   *
   * @return the stored file's reference
   */
  BlobRef storeBlob(String contentType, InputStream content);

  /** True once the generation has been cancelled; a long-running client should stop then. */
  boolean isCancelled();

  /**
   * Registers how to abort the client's work in flight (for example, cancelling its HTTP call): a
   * thread blocked reading a socket does not wake up when interrupted. The action runs once, on the
   * cancelling thread, when the generation is cancelled, or at once if it already was. It must be
   * safe to run at any time, also after the work ended. The default does nothing.
   */
  default void onCancel(Runnable action) {}
}
