package livykernel.livy;

/**
 * A failed Livy call, with one readable sentence for the user. {@code status} is the HTTP
 * status, or 0 when Livy could not be reached at all.
 */
public class LivyException extends RuntimeException {

    private final int status;

    public LivyException(int status, String message) {
        super(message);
        this.status = status;
    }

    public LivyException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
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
