package dev.cusp.wire;

/** {@code POST /admin/group/repair}: the tenant (null: every tenant) and the peer whose data is right. */
public record RepairRequest(String tenant, String from) {
}
