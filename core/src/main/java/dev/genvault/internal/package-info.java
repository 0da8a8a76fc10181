/**
 * Helpers shared by Genvault's own modules (the record's JSON codec, hashing). Not API: anything
 * here may change or go in any release, so never use it from an application.
 */
@NullMarked
package dev.genvault.internal;

import org.jspecify.annotations.NullMarked;
