package dev.cusp.support;

import dev.cusp.document.FolderNames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A generated, realistic Open Dental A-to-Z folder: letter folders holding one folder per
 * patient ({@code B/BrownAnna1042}), with x-rays and intra-oral photos (JPEG-like: a JFIF header,
 * then incompressible bytes, as real JPEG data is) of 0.1-4 MB and scanned letters and consent
 * forms (PDF-like) of 50 KB-2 MB. Sizes lean small, as in a real practice: most files are a few
 * hundred KB, a few are large; about 6,000 files make 2 GB. The same seed and size give the same
 * folder, byte for byte. Shared by the tests (a few MB) and {@code bench/run documents} (2 GB).
 */
public final class AtoZFolder {
    /** A patient a folder is made for: names and the patient's number. */
    public record Person(String lastName, String firstName, long number) {
    }

    /** What was written. */
    public record Made(Path dir, int files, long bytes, int patientFolders) {
    }

    private static final String[] LAST = {"Brown", "Garcia", "Nguyen", "Smith", "Okafor", "Müller", "O'Brien",
        "Kowalski", "Larsen", "Silva", "Johnson", "Haddad", "Tanaka", "Dubois", "Rossi", "Novak"};
    private static final String[] FIRST = {"Anna", "Ben", "Chloé", "David", "Eva", "Farid", "Grace", "Hugo", "Ines",
        "Jon", "Kim", "Leo", "Maya", "Noah", "Olga", "Pia"};

    private AtoZFolder() {
    }

    /** {@code count} made-up patients numbered from {@code firstNumber}, the same for the same seed. */
    public static List<Person> people(int count, long firstNumber, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Person> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Person(LAST[r.nextInt(LAST.length)], FIRST[r.nextInt(FIRST.length)], firstNumber + i));
        }
        return out;
    }

    /**
     * A file's size in a real practice's spread: x-rays and photos ({@code pdf} false) of
     * 0.1-4 MB, scanned letters of 50 KB-2 MB, most a few hundred KB; {@code u} uniform in [0, 1).
     */
    public static long size(boolean pdf, double u) {
        long min = pdf ? 50_000 : 100_000;
        return (long) (min * Math.pow(40, Math.pow(u, 4)));
    }

    /**
     * Writes a folder of about {@code totalBytes} into {@code dir} (made if missing), its files
     * spread over {@code people}'s folders.
     */
    public static Made generate(Path dir, List<Person> people, long totalBytes, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        Files.createDirectories(dir);
        byte[] buf = new byte[64 * 1024];
        long bytes = 0;
        int files = 0;
        java.util.Set<Path> folders = new java.util.HashSet<>();
        Instant start = Instant.parse("2020-01-01T08:00:00Z");
        while (bytes < totalBytes) {
            Person p = people.get(r.nextInt(people.size()));
            String folder = FolderNames.patientFolder(p.lastName(), p.firstName(), p.number());
            Path pdir = dir.resolve(FolderNames.letterOf(folder)).resolve(folder);
            folders.add(pdir);
            Files.createDirectories(pdir);
            double kind = r.nextDouble();
            boolean pdf = kind >= 0.85;
            long size = Math.min(size(pdf, r.nextDouble()), Math.max(1, totalBytes - bytes));
            String name = (pdf ? (kind > 0.93 ? "consent" : "referral") : kind < 0.55 ? "xray" : "photo")
                    + "_" + files + (pdf ? ".pdf" : ".jpg");
            Path f = pdir.resolve(name);
            try (OutputStream out = Files.newOutputStream(f)) {
                byte[] head = pdf ? "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n".getBytes(StandardCharsets.ISO_8859_1)
                        : new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
                long left = size;
                int h = (int) Math.min(head.length, left);
                out.write(head, 0, h);
                left -= h;
                while (left > 0) {
                    int n = (int) Math.min(buf.length, left);
                    for (int i = 0; i < n; i += 8) {
                        long v = r.nextLong();
                        for (int j = 0; j < 8 && i + j < n; j++) {
                            buf[i + j] = (byte) (v >>> (8 * j));
                        }
                    }
                    out.write(buf, 0, n);
                    left -= n;
                }
            }
            Files.setLastModifiedTime(f, FileTime.from(start.plusSeconds(r.nextLong(5L * 365 * 86400))));
            bytes += size;
            files++;
        }
        return new Made(dir, files, bytes, folders.size());
    }
}
