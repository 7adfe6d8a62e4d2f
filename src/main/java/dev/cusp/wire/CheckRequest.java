package dev.cusp.wire;

/** {@code POST /admin/group/check}: the tenant to check, null for every tenant. */
public record CheckRequest(String tenant) {
}
