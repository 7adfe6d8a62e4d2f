package dev.cusp.wire;

import java.util.Map;

/** A site's answer to {@link DbmPeerCheck}: per method, what it found. */
public record DbmPeerFindings(Map<String, MethodFinding> results) {
}
