package dev.cusp.document;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names in an A-to-Z folder, Open Dental's layout: letter folders {@code A}..{@code Z}, each
 * holding one folder per patient named last name + first name (letters only) + patient number,
 * e.g. {@code B/BrownAnna1042}. And the other way: a user's file name made into one safe name.
 */
public final class FolderNames {
    private static final Pattern PATIENT = Pattern.compile("(.*?)([0-9]{1,18})");
    private static final Map<String, String> MIME = Map.ofEntries(
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"),
            Map.entry("gif", "image/gif"), Map.entry("bmp", "image/bmp"), Map.entry("tif", "image/tiff"),
            Map.entry("tiff", "image/tiff"), Map.entry("pdf", "application/pdf"), Map.entry("txt", "text/plain"),
            Map.entry("rtf", "application/rtf"), Map.entry("doc", "application/msword"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("dcm", "application/dicom"), Map.entry("xml", "application/xml"),
            Map.entry("wav", "audio/wav"), Map.entry("mp4", "video/mp4"));

    private FolderNames() {
    }

    /** A patient folder's name read back: its letters (normalized) and its number (null if none). */
    public record PatientFolder(String letters, Long number) {
    }

    public static PatientFolder parse(String folder) {
        Matcher m = PATIENT.matcher(folder);
        if (m.matches()) {
            return new PatientFolder(letters(m.group(1)), Long.parseLong(m.group(2)));
        }
        return new PatientFolder(letters(folder), null);
    }

    /** Letters only, without accents, lower case: how a folder name and a patient's name are compared. */
    public static String letters(String s) {
        String plain = Normalizer.normalize(s == null ? "" : s, Normalizer.Form.NFD);
        return plain.replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT);
    }

    /** The folder of a patient, as Open Dental names it: {@code BrownAnna1042}. */
    public static String patientFolder(String lastName, String firstName, long id) {
        String plain = Normalizer.normalize((lastName == null ? "" : lastName) + (firstName == null ? "" : firstName),
                Normalizer.Form.NFD).replaceAll("[^A-Za-z]", "");
        return plain + id;
    }

    /** The letter folder of a patient folder: its first letter, upper case, or {@code _} when it has none. */
    public static String letterOf(String patientFolder) {
        char c = patientFolder.isEmpty() ? '_' : Character.toUpperCase(patientFolder.charAt(0));
        return c >= 'A' && c <= 'Z' ? String.valueOf(c) : "_";
    }

    /** True for a letter folder's name. */
    public static boolean isLetter(String name) {
        return name.length() == 1 && Character.toUpperCase(name.charAt(0)) >= 'A'
                && Character.toUpperCase(name.charAt(0)) <= 'Z';
    }

    /**
     * A user-given file name as one plain file name: the part after the last slash or
     * backslash, no control characters or characters file systems refuse, no leading dots (no
     * {@code ..}, no hidden file), at most 200 bytes of UTF-8 with its extension kept.
     */
    public static String safe(String fileName) {
        String n = fileName == null ? "" : fileName;
        n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
        n = n.replaceAll("[\\p{Cntrl}:*?\"<>|]", "_").strip();
        n = n.replaceFirst("^[.\\s]+", "");
        if (n.isEmpty()) {
            n = "document";
        }
        if (n.getBytes(StandardCharsets.UTF_8).length > 200) {
            int dot = n.lastIndexOf('.');
            String ext = dot > 0 && n.length() - dot <= 16 ? n.substring(dot) : "";
            String stem = ext.isEmpty() ? n : n.substring(0, dot);
            while ((stem + ext).getBytes(StandardCharsets.UTF_8).length > 200) {
                stem = stem.substring(0, stem.offsetByCodePoints(stem.length(), -1));
            }
            n = stem + ext;
        }
        return n;
    }

    /** {@code name (2).ext}: the n-th name for a file whose name is taken in its folder. */
    public static String numbered(String name, int n) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + " (" + n + ")" + name.substring(dot) : name + " (" + n + ")";
    }

    /** The MIME type a file's extension says, or application/octet-stream. */
    public static String mimeOf(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? "application/octet-stream"
                : MIME.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
    }
}
