package dev.cusp.wire;

/** {@code POST /admin/group/join}: the invitation token, and whether to join though this site holds data. */
public record JoinWithToken(String token, boolean force) {
}
