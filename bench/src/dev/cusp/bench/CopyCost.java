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

    /** When the last copy was deleted ({@link #deleteCopy}); 0: none yet. */
    private static long lastDelete;
    /** Whether {@link #beforeCopy} waits out the deleted copy (a full run; a --quick smoke run's copies are tiny). */
    static boolean full = true;

    /**
     * Makes a copy of {@code src} nobody times, and deletes it: the copies that follow then write
     * into memory the machine has used before. On a virtual machine, the first write to a page of
     * guest memory is a fault in the host: the first copy after a start paid for that, the
     * next ones did not (in a profile, four times the kernel's copy time into the page cache).
     */
    static void warmUp(Path src) throws Exception {
        if (!full) {
            return;
        }
        Path dir = BenchKit.newHome("warm-up");
        Process p = new ProcessBuilder("cp", "-a", src.toString(), dir.resolve("copy").toString()).inheritIO().start();
        BenchKit.check(p.waitFor(30, java.util.concurrent.TimeUnit.MINUTES) && p.exitValue() == 0, "cp -a failed");
        deleteCopy(dir);
    }

    /** Deletes a copy once it is measured, noting when ({@link #beforeCopy} waits on it). */
    static void deleteCopy(Path dir) {
        BenchKit.deleteTree(dir);
        lastDelete = System.nanoTime();
    }

    /**
     * The same start for every timed copy: 31 s after the last copy was deleted, then {@code sync}.
     * ext4 without a journal (this machine's disk) skips the inodes of files deleted in the last
     * 30 s ({@code vm.dirty_expire_centisecs}) when it makes new files, so a copy right after the
     * previous one was deleted spent seconds of CPU scanning past 5,764 of them.
     */
    static void beforeCopy() {
        long wait = lastDelete == 0 || !full ? 0 : lastDelete + 31_000_000_000L - System.nanoTime();
        if (wait > 0) {
            BenchKit.sleep(wait / 1_000_000);
        }
        syncDisks();
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
