/**
 * Spring Boot auto-configuration for Genvault: a {@code PersistentGenerator} bean on the app's
 * {@code DataSource}, configured by {@code genvault.*} properties, with a health indicator and
 * Micrometer meters.
 */
@NullMarked
package dev.genvault.spring.boot;

import org.jspecify.annotations.NullMarked;
