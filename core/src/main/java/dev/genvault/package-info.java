/** Genvault: every LLM generation a durable, addressable, priced record. */
@NullMarked
package dev.genvault;

import org.jspecify.annotations.NullMarked;
