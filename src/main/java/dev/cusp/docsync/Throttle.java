package dev.cusp.docsync;

/**
 * A shared byte budget per second (a token bucket holding at most one second's worth): every
 * transfer that takes from it together stays under the rate. A rate of 0 means no limit.
 */
public final class Throttle {
    private final long bytesPerSecond;
    private long available;
    private long last = System.nanoTime();

    public Throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.available = bytesPerSecond;
    }

    public static Throttle kibPerSecond(int kib) {
        return new Throttle(kib * 1024L);
    }

    public boolean unlimited() {
        return bytesPerSecond <= 0;
    }

    /** Waits until {@code n} bytes may pass. */
    public void take(long n) {
        if (unlimited()) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            available = Math.min(bytesPerSecond, available + (now - last) * bytesPerSecond / 1_000_000_000L);
            last = now;
            available -= n;
            waitNanos = available >= 0 ? 0 : -available * 1_000_000_000L / bytesPerSecond;
        }
        if (waitNanos > 0) {
            try {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
