package dev.cusp.sampledata;

import java.util.SplittableRandom;

/**
 * The generator's only source of chance: one {@link SplittableRandom} (its algorithm is fixed
 * by its specification, so a seed gives the same sequence on every JVM) and the few
 * distributions a practice needs.
 */
final class Dice {
    private final SplittableRandom r;

    Dice(long seed) {
        this.r = new SplittableRandom(seed);
    }

    boolean chance(double p) {
        return r.nextDouble() < p;
    }

    /** A whole number from {@code lo} to {@code hi}, both included. */
    int between(int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    double uniform() {
        return r.nextDouble();
    }

    <T> T pick(T[] items) {
        return items[r.nextInt(items.length)];
    }

    /** An index from {@code weights}, in proportion to them. */
    int weighted(double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = r.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /**
     * A Pareto (power-law) draw with minimum {@code min} and shape {@code alpha}: most draws
     * near the minimum, a long tail of large ones. This is the Zipf-like skew of visits.
     */
    double pareto(double min, double alpha) {
        return min / Math.pow(1.0 - r.nextDouble(), 1.0 / alpha);
    }

    /** A string of {@code n} decimal digits. */
    String digits(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + r.nextInt(10)));
        }
        return b.toString();
    }
}
