/**
 * An OpenAI-compatible {@link dev.genvault.ModelClient} on OkHttp and Moshi: chat completions
 * (plain and streamed), the Responses API and image generation, against OpenAI or any compatible
 * server. No OkHttp or Moshi type appears in its public signatures.
 */
@NullMarked
package dev.genvault.openai;

import org.jspecify.annotations.NullMarked;
