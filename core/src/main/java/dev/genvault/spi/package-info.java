/**
 * The service-provider interfaces behind {@link dev.genvault.PersistentGenerator}: {@link
 * dev.genvault.spi.GenerationStore}, {@link dev.genvault.spi.BlobStore} and {@link
 * dev.genvault.spi.DedupCache}, with their embedded reference implementations. Every implementation
 * must pass the contract tests in {@code genvault-tck}.
 */
@NullMarked
package dev.genvault.spi;

import org.jspecify.annotations.NullMarked;
