/**
 * Exact costs: the bundled, dated price table ({@link dev.genvault.cost.Pricing#bundled()}), user
 * overrides, and the per-provider usage normalization that feeds them.
 */
@NullMarked
package dev.genvault.cost;

import org.jspecify.annotations.NullMarked;
