package dev.cusp.error;

/**
 * A refusal that passes: the caller should try again after {@link #retryAfterSeconds()} (the
 * API answers with a {@code Retry-After} header next to the usual error JSON).
 */
public final class RetryLater extends CuspException {
    private static final long serialVersionUID = 1L;

    private final long retryAfterSeconds;

    public RetryLater(ErrorCode code, String message, long retryAfterSeconds) {
        super(code, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
