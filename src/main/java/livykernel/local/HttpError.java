package livykernel.local;

/**
 * An HTTP error with Livy's body: either {@code {"msg": ...}} or a bare JSON string, the two
 * shapes real Livy uses (livy-rest.md §4).
 */
public final class HttpError extends RuntimeException {
    private final int status;
    private final Object body;

    private HttpError(int status, Object body, String message) {
        super(message, null, false, false);
        this.status = status;
        this.body = body;
    }

    /** Body {@code {"msg": message}}. */
    public static HttpError msg(int status, String message) {
        return new HttpError(status, java.util.Map.of("msg", message), message);
    }

    /** Body is the bare JSON string {@code "message"}. */
    public static HttpError bare(int status, String message) {
        return new HttpError(status, message, message);
    }

    public static HttpError sessionNotFound(String idOrName) {
        return msg(404, "Session '" + idOrName + "' not found.");
    }

    public static HttpError notReady(SessionState state) {
        return bare(500, "java.lang.IllegalStateException: Session is in state " + state.json());
    }

    public static HttpError notActive() {
        return msg(400, "requirement failed: Session isn't active.");
    }

    public int status() {
        return status;
    }

    public Object body() {
        return body;
    }
}
