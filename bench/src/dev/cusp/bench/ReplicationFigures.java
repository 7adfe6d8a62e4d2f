package dev.cusp.bench;

import static dev.cusp.bench.BenchKit.f;

import java.util.List;

/** The replication benchmark's figures (one latency phase, a catch-up, the partition) and their report. */
final class ReplicationFigures {
    private ReplicationFigures() {
    }

    static String label(String mode) {
        return switch (mode) {
            case "jdbc" -> "jdbc INSERT (baseline)";
            case "jdbctx" -> "jdbc API-shaped tx";
            default -> "api POST /patients";
        };
    }

    /** The figures of one latency phase (or of the partition's writes, without a reader). */
    static final class Lat {
        String mode;
        int rate;
        double seconds;
        long dueInWindow;
        long sentInWindow;
        long seenInWindow;
        long errors;
        String firstError;
        long notSent;
        long unseen;
        long[] lat = new long[0];
        long[] ack = new long[0];
        long[] lag = new long[0];
        double[] cpu = new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        double load;
        /** JIT compilation and GC time in this JVM during the window(s), ms. */
        double jitMs;
        double gcMs;
        long seen;
        /** Seconds from the end of the window until b held a's whole GTID position again. */
        double drained = Double.NaN;
        /** How the row differs from the product's own set-up ("" when it does not). */
        String variant = "";

        String path() {
            return ReplicationFigures.label(mode) + (variant.isEmpty() ? "" : " [" + variant + "]");
        }

        String label() {
            return path() + " @" + rate + "/s";
        }

        double achieved() {
            return sentInWindow / seconds;
        }

        String line() {
            return f("%-50s sent %6d (%6.0f/s)  seen at b: p50 %7.2f ms  p99 %8.2f ms  max %8.2f ms   ack p99 %8.2f ms"
                    + "  errors %d  unseen %d  not sent %d  b caught up %.1f s after the window  other cpu %.2f  load %.1f",
                    label(), sentInWindow, achieved(), BenchKit.pctMs(lat, 50), BenchKit.pctMs(lat, 99), max(lat),
                    BenchKit.pctMs(ack, 99), errors, unseen, notSent, drained, cpu[3], load);
        }
    }

    /** One path's interleaved windows as one row: counts added, samples merged, cpu averaged. */
    static Lat merge(List<Lat> parts) {
        Lat m = new Lat();
        Lat first = parts.get(0);
        m.mode = first.mode;
        m.rate = first.rate;
        m.variant = first.variant;
        m.cpu = new double[first.cpu.length];
        m.drained = 0;
        List<long[]> lat = new java.util.ArrayList<>();
        List<long[]> ack = new java.util.ArrayList<>();
        List<long[]> lag = new java.util.ArrayList<>();
        for (Lat p : parts) {
            m.seconds += p.seconds;
            m.dueInWindow += p.dueInWindow;
            m.sentInWindow += p.sentInWindow;
            m.seenInWindow += p.seenInWindow;
            m.errors += p.errors;
            m.firstError = m.firstError == null ? p.firstError : m.firstError;
            m.notSent += p.notSent;
            m.unseen += p.unseen;
            m.seen += p.seen;
            m.load = Math.max(m.load, p.load);
            m.jitMs += p.jitMs;
            m.gcMs += p.gcMs;
            m.drained = Math.max(m.drained, p.drained);
            for (int i = 0; i < m.cpu.length; i++) {
                m.cpu[i] += p.cpu[i] * p.seconds;
            }
            lat.add(p.lat);
            ack.add(p.ack);
            lag.add(p.lag);
        }
        for (int i = 0; i < m.cpu.length; i++) {
            m.cpu[i] /= m.seconds;
        }
        m.lat = sortedConcat(lat);
        m.ack = sortedConcat(ack);
        m.lag = sortedConcat(lag);
        return m;
    }

    private static long[] sortedConcat(List<long[]> parts) {
        long[] all = parts.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        java.util.Arrays.sort(all);
        return all;
    }

    static double max(long[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }

    record CatchUp(String label, long backlog, double writeSeconds, double writeRate, double reconnectSeconds,
                   double caughtUpSeconds, double[] cpu) {
        double txPerSecond() {
            return backlog / caughtUpSeconds;
        }

        double applyTxPerSecond() {
            return backlog / (caughtUpSeconds - reconnectSeconds);
        }
    }

    record Partition(Lat writes, CatchUp cusp, CatchUp plain, boolean checksumsEqual) {
    }

    /** Prints the latency table, the catch-up table and the target lines. */
    static void report(List<Lat> rows, Partition p, double measure, double drainSeconds, double maxLagSeconds,
                       long pollNanos) {
        System.out.println();
        System.out.println("Propagation latency: write at a until the row is first seen at b (ms; from the write's due"
                + " time, open loop)");
        System.out.println(f("%-7s %-40s %8s %9s %8s %8s %8s %9s  %9s %9s  %6s %6s %8s %8s  %5s %5s %5s %5s %7s %6s",
                "rate/s", "path", "writes", "achieved", "p50", "p90", "p99", "max", "ack p50", "ack p99", "errors",
                "unseen", "not sent", "drain s", "jvm", "db a", "db b", "other", "jit ms", "gc ms"));
        for (Lat r : rows) {
            System.out.println(f("%-7d %-40s %8d %9.0f %8.2f %8.2f %8.2f %9.2f  %9.2f %9.2f  %6d %6d %8d %8.1f  %5.2f"
                            + " %5.2f %5.2f %5.2f %7.0f %6.0f", r.rate, r.path(), r.sentInWindow, r.achieved(), BenchKit.pctMs(r.lat, 50),
                    BenchKit.pctMs(r.lat, 90), BenchKit.pctMs(r.lat, 99), max(r.lat), BenchKit.pctMs(r.ack, 50),
                    BenchKit.pctMs(r.ack, 99), r.errors, r.unseen, r.notSent, r.drained, r.cpu[0], r.cpu[1], r.cpu[2],
                    r.cpu[3], r.jitMs, r.gcMs));
        }
        System.out.println(f("writes: due in the %.0f s window and acknowledged; achieved = writes/s; ack = the writer's own"
                + " latency (commit at a, or the API's answer); unseen: acknowledged but not seen at b within %.0f s;"
                + " not sent: due but given up after falling %.0f s behind; drain: seconds from the end of the window"
                + " until b held a's whole GTID position (each row starts with b caught up).", measure, drainSeconds,
                maxLagSeconds));
        System.out.println(f("cpu columns in cores during the window: this JVM (writers, reader, both sites), mariadbd of"
                + " a and b, and every other process (noise); jit ms and gc ms: this JVM's compiler and collector time in the window(s). Reader resolution: one poll per %d us plus the query.",
                pollNanos / 1000));
        System.out.println();
        CatchUp c = p.cusp();
        CatchUp q = p.plain();
        System.out.println(f("Catch-up after a partition (a's transactions reaching b; the same TCP proxy path for both)"));
        System.out.println(f("%-46s %9s %12s %12s %14s %12s %12s  %5s %5s %5s %5s", "what", "backlog", "written in s",
                "written tx/s", "1st applied s", "caught up s", "catch-up tx/s", "jvm", "db a", "db b", "other"));
        for (CatchUp x : List.of(c, q)) {
            System.out.println(f("%-46s %9d %12.1f %12.0f %14.1f %12.1f %12.0f  %5.2f %5.2f %5.2f %5.2f", x.label(),
                    x.backlog(), x.writeSeconds(), x.writeRate(), x.reconnectSeconds(), x.caughtUpSeconds(),
                    x.txPerSecond(), x.cpu()[0], x.cpu()[1], x.cpu()[2], x.cpu()[3]));
        }
        System.out.println(f("cusp: the partition lasted %.0f s at %.0f API writes/s; catching up ran at %.1fx the write"
                + " rate (%.0f tx/s from the restore, %.0f tx/s once the link was back)", c.writeSeconds(),
                c.writeRate(), c.txPerSecond() / c.writeRate(), c.txPerSecond(), c.applyTxPerSecond()));
        System.out.println(f("plain: %.0f tx/s from START SLAVE, %.0f tx/s once applying; cusp/plain catch-up rate %.2f,"
                + " time %.1f s vs %.1f s", q.txPerSecond(), q.applyTxPerSecond(), c.txPerSecond() / q.txPerSecond(),
                c.caughtUpSeconds(), q.caughtUpSeconds()));
        System.out.println(f("functional: a and b hold equal CHECKSUM TABLE for every tenant table after both catch-ups: %s",
                p.checksumsEqual() ? "yes" : "NO"));
        System.out.println(f("load average at end: %.2f; the machine has %d cores.", BenchKit.loadAverage(),
                Runtime.getRuntime().availableProcessors()));
        System.out.println();
        for (Lat api : rows) {
            if (!api.mode.equals("api")) {
                continue;
            }
            Lat base = rows.stream().filter(r -> r.mode.equals("jdbc") && r.rate == api.rate
                    && r.variant.equals(api.variant)).findFirst().orElse(null);
            if (base == null) {
                continue;
            }
            double d = BenchKit.pctMs(api.lat, 99) - BenchKit.pctMs(base.lat, 99);
            boolean complete = api.unseen == 0 && api.notSent == 0 && api.errors == 0;
            boolean target = api.rate == 500 && api.variant.isEmpty();
            System.out.println(f("%s @%-5d cusp p99 %.2f ms vs plain p99 %.2f ms: %+.2f ms (target <= +10 ms: %s)%s%s",
                    api.variant.isEmpty() ? "target:" : "[" + api.variant + "]", api.rate, BenchKit.pctMs(api.lat, 99),
                    BenchKit.pctMs(base.lat, 99), d, d <= 10 && complete ? "met" : "MISSED",
                    target ? "   <- the issue's target point" : "",
                    complete ? "" : f(" [cusp kept up with %.0f of %d writes/s]", api.achieved(), api.rate)));
        }
    }
}
