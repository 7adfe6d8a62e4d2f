package dev.cusp.maintenance;

import dev.cusp.group.Member;
import java.util.List;

/**
 * A site asked to run checks: this one ({@code member} null) or another member, asked over
 * mutual TLS. {@code problem} says why it cannot take part (unreachable, still joining);
 * {@code stoppedLinks} names its replication channels that are not running.
 */
record Participant(String name, Member member, String problem, String gtidPos, List<String> stoppedLinks) {
    boolean local() {
        return member == null;
    }

    boolean answered() {
        return problem == null;
    }
}
