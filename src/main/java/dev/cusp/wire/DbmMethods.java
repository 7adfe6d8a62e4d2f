package dev.cusp.wire;

import java.util.List;

/** {@code GET /admin/dbm/methods}: every maintenance method. */
public record DbmMethods(List<DbmMethod> methods) {
}
