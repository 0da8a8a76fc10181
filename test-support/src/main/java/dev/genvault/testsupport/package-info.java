/**
 * What the adapter modules' tests share: {@link dev.genvault.testsupport.LocalServerTest}, a local
 * OpenAI-format server with a generator, and {@link dev.genvault.testsupport.JsonVariants},
 * mechanically broken JSON answers. Not published.
 */
package dev.genvault.testsupport;
