package livykernel.magics;

/** A magic was called wrongly (bad flag, missing body, bad JSON …); the message tells the user how to fix it. */
public class MagicUsageException extends RuntimeException {

    private final String ename;

    public MagicUsageException(String message) {
        this("UsageError", message);
    }

    public MagicUsageException(String ename, String message) {
        super(message);
        this.ename = ename;
    }

    public String ename() {
        return ename;
    }
}
