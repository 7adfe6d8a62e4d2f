package dev.cusp.api;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;

/**
 * The one byte range of a download's {@code Range} header (RFC 9110 section 14): {@code
 * bytes=first-last}, {@code bytes=first-} or {@code bytes=-suffix}. A header naming several
 * ranges, another unit or nonsense is ignored (the whole file is sent, as the RFC allows); a
 * range wholly past the end is a 416.
 */
record ByteRange(long first, long last) {

    long length() {
        return last - first + 1;
    }

    /** The range asked for within a file of {@code size} bytes; null for the whole file. */
    static ByteRange parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).strip();
            String b = spec.substring(dash + 1).strip();
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    throw unsatisfiable(size);
                }
                return size == 0 ? null : new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (first < 0 || last < first) {
                return null;
            }
            if (first >= size) {
                throw unsatisfiable(size);
            }
            return new ByteRange(first, Math.min(last, size - 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static CuspException unsatisfiable(long size) {
        return new CuspException(ErrorCode.RANGE_NOT_SATISFIABLE, "the range asked for is outside the file's "
                + size + " bytes", "Range");
    }
}
