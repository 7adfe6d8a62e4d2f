package dev.cusp.query;

import dev.cusp.group.Member;
import dev.cusp.group.Members;
import java.util.function.Supplier;

/** Names a report replica of the group, for users who try a scratch write elsewhere. */
public final class ReplicaHint {
    private ReplicaHint() {
    }

    /** The first active report replica as "report replica NAME (URL)", or null when the group has none. */
    public static Supplier<String> of(Members members) {
        return () -> {
            try {
                return members.all().stream().filter(m -> !m.peer() && m.active()).findFirst()
                        .map(ReplicaHint::describe).orElse(null);
            } catch (RuntimeException e) {
                // The membership is unreadable while a seed replaces the control database.
                return null;
            }
        };
    }

    static String describe(Member m) {
        return "report replica " + m.name() + " (" + m.url() + ")";
    }
}
