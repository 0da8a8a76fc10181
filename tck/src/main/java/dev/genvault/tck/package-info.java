/**
 * The Genvault conformance suite: extend {@link dev.genvault.tck.GenerationStoreContract}, {@link
 * dev.genvault.tck.BlobStoreContract} or {@link dev.genvault.tck.DedupCacheContract} in a backend's
 * tests and implement the one factory method.
 */
@NullMarked
package dev.genvault.tck;

import org.jspecify.annotations.NullMarked;
