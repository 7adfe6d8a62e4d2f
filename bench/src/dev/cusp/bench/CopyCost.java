package dev.cusp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a timed copy costs beyond its wall time: the CPU seconds of the processes that ran it
 * (an external copy's client and server, or this JVM), and a clean start for each ({@code sync}).
 */
final class CopyCost {
    private CopyCost() {
    }

    /**
     * Writes out what earlier steps left in the page cache ({@code sync}), so that a timed copy
     * does not pay for the previous one's writes (or skip its own, when they fit in memory).
     */
    static void syncDisks() {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor(10, java.util.concurrent.TimeUnit.MINUTES);
        } catch (java.io.IOException e) {
            System.err.println("bench: sync failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code command} run by bash, which prints its children's CPU times at the end ({@link #childrenCpu}). */
    static List<String> timed(String... command) {
        List<String> out = new java.util.ArrayList<>(List.of("bash", "-c", "\"$@\"; s=$?; times; exit $s", "timed"));
        out.addAll(List.of(command));
        return out;
    }

    /** The children's user + system seconds from bash's {@code times} (its last line). */
    static double childrenCpu(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s\\s*$")
                .matcher(out.strip());
        BenchKit.check(m.find(), "no times line in: " + out);
        return Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2)) + Integer.parseInt(m.group(3)) * 60
                + Double.parseDouble(m.group(4));
    }

    /** A process's own and reaped children's CPU seconds ({@code /proc/PID/stat}, 100 ticks a second). */
    static double cpuWithChildren(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the name: state is field 3, so utime (14) .. cstime (17) are f[11] .. f[14].
        return (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
    }

    /** CPU seconds this JVM has used so far, all threads (both sites of a group bench run here). */
    static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }
}
