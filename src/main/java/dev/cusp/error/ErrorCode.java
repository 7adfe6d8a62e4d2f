package dev.cusp.error;

/**
 * Every failure Cusp reports, with the HTTP status the API answers and the exit code the CLI
 * returns. Mapped in exactly one place each: {@code api.ErrorMapper} and {@code cli.CliErrors}.
 */
public enum ErrorCode {
    INVALID_INPUT(400, 2),
    UNAUTHENTICATED(401, 4),
    FORBIDDEN(403, 4),
    NOT_FOUND(404, 5),
    /** The path exists, but not for this method: the answer's Allow header lists the ones it has. */
    METHOD_NOT_ALLOWED(405, 2),
    CONFLICT(409, 6),
    PAYLOAD_TOO_LARGE(413, 2),
    /** A download's Range lies outside the file: the answer's Content-Range gives its size. */
    RANGE_NOT_SATISFIABLE(416, 2),
    LOCKED(423, 7),
    /** Too many failed logins from a client address or for a user: wait the answer's Retry-After. */
    TOO_MANY_REQUESTS(429, 7),
    READ_ONLY(409, 6),
    SITE_NOT_RUNNING(503, 3),
    SITE_ALREADY_RUNNING(409, 3),
    UNAVAILABLE(503, 8),
    /** A client or site of another Cusp version: the message names the side to update. */
    VERSION_MISMATCH(409, 10),
    /** An update stopped part-way: the message says what was done, what was left and where the backups are. */
    UPDATE_FAILED(500, 11),
    INTERNAL(500, 1);

    private final int httpStatus;
    private final int exitCode;

    ErrorCode(int httpStatus, int exitCode) {
        this.httpStatus = httpStatus;
        this.exitCode = exitCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Finds the code for a name sent over the API; INTERNAL when unknown. */
    public static ErrorCode fromName(String name) {
        for (ErrorCode c : values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return INTERNAL;
    }
}
