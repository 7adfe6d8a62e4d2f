package dev.cusp.survey;

import dev.cusp.group.Member;
import java.util.List;

/**
 * A site taking part in a comparison: this one ({@code member} null: it works on its own node)
 * or another member, asked over mutual TLS.
 *
 * @param problem      why the site cannot take part (unreachable, still joining), null when it answered
 * @param gtidPos      its {@code @@gtid_current_pos} when asked, null when it did not answer
 * @param stoppedLinks its replication channels whose receiver or applier is not running
 */
public record Participant(String name, Member member, String problem, String gtidPos, List<String> stoppedLinks) {
    public Participant {
        stoppedLinks = List.copyOf(stoppedLinks);
    }

    static Participant missing(Member m, String problem) {
        return new Participant(m.name(), m, problem, null, List.of());
    }

    public boolean local() {
        return member == null;
    }

    public boolean answered() {
        return problem == null;
    }
}
