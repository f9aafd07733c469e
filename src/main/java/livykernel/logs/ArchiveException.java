package livykernel.logs;

/** The archive could not be read; the message is the one or two sentences the user sees, no stack trace. */
public final class ArchiveException extends RuntimeException {

    public ArchiveException(String message) {
        super(message);
    }
}
