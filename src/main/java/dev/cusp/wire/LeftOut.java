package dev.cusp.wire;

/** A site left out of a comparison, and why (unreachable, still joining, failed meanwhile). */
public record LeftOut(String site, String reason) {
}
