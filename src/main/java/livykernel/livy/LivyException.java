package livykernel.livy;

/**
 * A failed Livy call, with one readable sentence for the user. {@code status} is the HTTP
 * status, or 0 when Livy could not be reached at all.
 */
public class LivyException extends RuntimeException {

    private final int status;
    private final boolean malformedAnswer;

    public LivyException(int status, String message) {
        this(status, message, false);
    }

    private LivyException(int status, String message, boolean malformedAnswer) {
        super(message);
        this.status = status;
        this.malformedAnswer = malformedAnswer;
    }

    public LivyException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.malformedAnswer = false;
    }

    /** A successful status with a body that is not the JSON expected (a gateway's HTML page, a cut body). */
    static LivyException malformedAnswer(int status, String message) {
        return new LivyException(status, message, true);
    }

    public boolean isMalformedAnswer() {
        return malformedAnswer;
    }

    public int status() {
        return status;
    }

    public boolean isUnreachable() {
        return status == 0;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    /** Livy's 500 "Session is in state X" and 400 "Session isn't active" both mean the session cannot run code. */
    public boolean isSessionNotUsable() {
        String m = getMessage();
        return (status == 500 && m.contains("Session is in state")) || (status == 400 && m.contains("isn't active"));
    }
}
