package dev.cusp.wire;

/** {@code POST /admin/tenants}: a new tenant's name, and its id (null: the next free one). */
public record NewTenant(String name, Integer id) {
}
