package dev.cusp.check;

import dev.cusp.group.Member;

/**
 * A site taking part in a check: this one (computes on its own node, {@code member} null) or
 * another (asked over mutual TLS); {@code skipped} says why a site does not take part, and
 * {@code stoppedLinks} names its replication channels whose receiver or applier is not running.
 */
record Participant(String name, Member member, String skipped, java.util.List<String> stoppedLinks) {
    Participant(String name, Member member) {
        this(name, member, null, java.util.List.of());
    }

    boolean local() {
        return member == null;
    }

    Participant skip(String why) {
        return new Participant(name, member, why, stoppedLinks);
    }
}
