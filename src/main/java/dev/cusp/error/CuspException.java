package dev.cusp.error;

/**
 * The one exception type Cusp throws for anything a user should see. The message says what
 * happened and what to do; {@code field} names the input at fault, when there is one.
 */
public class CuspException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String field;

    public CuspException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public CuspException(ErrorCode code, String message, String field) {
        this(code, message, field, null);
    }

    public CuspException(ErrorCode code, String message, String field, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.field = field;
    }

    public ErrorCode code() {
        return code;
    }

    /** The input field at fault, or null. */
    public String field() {
        return field;
    }

    public static CuspException invalid(String field, String message) {
        return new CuspException(ErrorCode.INVALID_INPUT, message, field);
    }

    public static CuspException notFound(String message) {
        return new CuspException(ErrorCode.NOT_FOUND, message);
    }

    public static CuspException conflict(String message) {
        return new CuspException(ErrorCode.CONFLICT, message);
    }
}
