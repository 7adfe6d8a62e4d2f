package dev.cusp.wire;

import java.util.List;

/**
 * What one maintenance method's check found at one site: how many rows, the first keys, and a
 * SHA-256 of every key in order, so two sites' key sets compare exactly without sending them all.
 */
public record MethodFinding(long count, List<Long> ids, String digest) {
}
