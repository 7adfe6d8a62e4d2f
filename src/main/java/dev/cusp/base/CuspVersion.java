package dev.cusp.base;

/** The version of this Cusp build. */
public final class CuspVersion {
    public static final String VERSION = "0.1.0";

    private CuspVersion() {
    }
}
