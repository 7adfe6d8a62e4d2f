package dev.cusp.group;

import dev.cusp.wire.GroupMember;

/** Members as the group's messages carry them, and read back from them (a join's answer). */
final class GroupJson {
    private GroupJson() {
    }

    /** A member as the group's messages carry it. */
    static GroupMember member(Member m) {
        return new GroupMember(m.name(), m.role(), m.state(), m.url(), m.nodeHost(), m.nodePort(), m.serverId(),
                m.gtidDomainId(), m.keyOffset(), m.upstream(), m.seedGtid(), m.joinSeq(), m.version(), m.caPem());
    }

    /** A member read back from a message (a join's answer). */
    static Member read(GroupMember n) {
        return new Member(n.name(), n.role(), n.state(), n.url(), n.nodeHost(), n.nodePort(), n.caPem(), n.serverId(),
                n.gtidDomainId(), n.keyOffset(), n.upstream(), n.seedGtid(), n.joinSeq(), n.version());
    }
}
