package dev.cusp.group;

import java.util.Set;

/**
 * The members the {@link PeerWatch} found to be clones of another (CLONED_SITE): the
 * {@link Reconciler} does not replicate from them. Shared by the two, which otherwise know
 * nothing of each other.
 */
final class Clones {
    private volatile Set<String> names = Set.of();

    Set<String> names() {
        return names;
    }

    void found(Set<String> now) {
        names = Set.copyOf(now);
    }
}
