package dev.cusp.sampledata;

/**
 * Zipf weights over {@code n} ranks: rank k is chosen in proportion to 1/k^s. Popular
 * surnames, big employers' plans and busy dentists are this shape.
 */
final class Zipf {
    private final double[] cumulative;

    Zipf(int n, double s) {
        cumulative = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / Math.pow(k + 1, s);
            cumulative[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cumulative[k] /= sum;
        }
    }

    /** A rank from 0 (the most popular) to n-1. */
    int next(Dice dice) {
        double x = dice.uniform();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
