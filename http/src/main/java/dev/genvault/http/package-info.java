/**
 * HTTP routes that make generations addressable, on the JDK's built-in server: {@link
 * dev.genvault.http.GenerationRoutes}.
 */
@NullMarked
package dev.genvault.http;

import org.jspecify.annotations.NullMarked;
