package livykernel.local;

/** Lends {@link LocalLivyServerTest}'s fake REPL driver to tests outside this package. */
public final class LocalLivyServerTestAccess {
    private LocalLivyServerTestAccess() {
    }

    public static String fakeDriver() {
        return LocalLivyServerTest.FAKE_DRIVER;
    }
}
