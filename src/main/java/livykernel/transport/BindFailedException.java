package livykernel.transport;

/**
 * A socket could not be bound to the address of the connection file. {@link #portTaken()} tells
 * the usual case: another process took the port between the front end choosing it and the kernel
 * binding it, which a new start (with new ports) mends.
 */
public final class BindFailedException extends RuntimeException {

    private final boolean portTaken;

    BindFailedException(String socket, String endpoint, boolean portTaken, Throwable cause) {
        super(portTaken
                ? "the " + socket + " port of the connection file (" + endpoint + ") is taken by another process;"
                        + " start the kernel again (the front end then picks new ports)"
                : "cannot bind the " + socket + " socket to " + endpoint
                        + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        this.portTaken = portTaken;
    }

    public boolean portTaken() {
        return portTaken;
    }

    /** Binds {@code socket} to {@code endpoint}, or says in one sentence why it could not. */
    static void bind(org.zeromq.ZMQ.Socket socket, String name, String endpoint) {
        boolean bound;
        try {
            bound = socket.bind(endpoint);
        } catch (org.zeromq.ZMQException e) {
            throw new BindFailedException(name, endpoint,
                    e.getErrorCode() == org.zeromq.ZMQ.Error.EADDRINUSE.getCode(), e);
        }
        if (!bound) {
            throw new BindFailedException(name, endpoint, false, null);
        }
    }
}
