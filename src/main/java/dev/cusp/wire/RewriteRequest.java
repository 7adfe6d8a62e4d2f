package dev.cusp.wire;

import java.util.List;

/** A repair's request to its authority ({@code /peer/check/rewrite}): re-write these rows of a table as they are there. */
public record RewriteRequest(String db, String table, List<Long> keys) {
}
