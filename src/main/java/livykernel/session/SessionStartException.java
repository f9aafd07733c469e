package livykernel.session;

/** The Livy session could not be started; the message says why and what to do. */
public class SessionStartException extends Exception {
    public SessionStartException(String message) {
        super(message);
    }
}
