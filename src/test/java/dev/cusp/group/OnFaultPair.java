package dev.cusp.group;

import dev.cusp.support.TestSite;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fault test on the shared pair of peers ({@link FaultPair}): each test starts from it,
 * healthy, as {@code a} and {@code b}, and undoes its fault by its end. A test that restarts b
 * keeps the new one in {@code b} ({@link FaultPair#restartB}).
 */
abstract class OnFaultPair {
    static TestSite a;
    static TestSite b;

    @BeforeEach
    void pair() throws Exception {
        FaultPair.get();
        a = FaultPair.a();
        b = FaultPair.b();
    }
}
