package livykernel.wire;

/** A received multipart message that must be dropped (malformed, unsigned or badly signed). */
public class InvalidMessageException extends Exception {

    private final boolean signatureProblem;

    public InvalidMessageException(String reason, boolean signatureProblem) {
        super(reason);
        this.signatureProblem = signatureProblem;
    }

    /** True when the message was rejected for its signature rather than its shape. */
    public boolean signatureProblem() {
        return signatureProblem;
    }
}
