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
}
