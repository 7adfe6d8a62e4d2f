package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.replication.LinkState;
import dev.cusp.wire.GroupMember;
import java.util.LinkedHashMap;
import java.util.Map;

/** Members and links as JSON maps, and members read back from JSON (a join's answer). */
final class GroupJson {
    private GroupJson() {
    }

    static Map<String, Object> describe(Member m) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", m.name());
        e.put("role", m.role());
        e.put("state", m.state());
        e.put("url", m.url());
        e.put("node_host", m.nodeHost());
        e.put("node_port", m.nodePort());
        e.put("server_id", m.serverId());
        e.put("gtid_domain_id", m.gtidDomainId());
        e.put("key_offset", m.keyOffset());
        e.put("upstream", m.upstream());
        e.put("seed_gtid", m.seedGtid());
        e.put("join_seq", m.joinSeq());
        e.put("version", m.version());
        e.put("ca_pem", m.caPem());
        return e;
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

    static Member read(JsonNode n) {
        return new Member(n.path("name").asText(), n.path("role").asText(), n.path("state").asText(),
                n.path("url").asText(), n.path("node_host").asText(), n.path("node_port").asInt(),
                n.path("ca_pem").asText(), n.path("server_id").asLong(), n.path("gtid_domain_id").asLong(),
                n.path("key_offset").isNull() || n.path("key_offset").isMissingNode() ? null
                        : n.path("key_offset").asInt(), n.path("upstream").isNull() ? null
                        : n.path("upstream").asText(null), n.path("seed_gtid").isNull() ? null
                        : n.path("seed_gtid").asText(null), n.path("join_seq").asInt(), n.path("version").asText());
    }

    static Map<String, Object> describe(LinkState l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", l.channel());
        m.put("source_host", l.sourceHost());
        m.put("source_port", l.sourcePort());
        m.put("receiver", l.receiverRunning() ? "running" : "stopped");
        m.put("applier", l.applierRunning() ? "running" : "stopped");
        m.put("seconds_behind", l.secondsBehind());
        m.put("gtid_io_pos", l.gtidIoPos());
        m.put("gtid_slave_pos", l.gtidSlavePos());
        m.put("last_errno", l.lastErrno());
        m.put("last_error", l.lastError() == null || l.lastError().isEmpty() ? null : l.lastError());
        return m;
    }
}
