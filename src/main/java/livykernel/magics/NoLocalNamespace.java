package livykernel.magics;

/** Why %%local, %%send_to_spark and -o VAR cannot work here, in one place so every refusal says the same. */
final class NoLocalNamespace {

    static final String REASON = "This kernel is not a Python process: it is a small Java program that sends every "
            + "cell to the Spark session, so there is no local Python namespace to run code in or to copy "
            + "variables to and from.";

    private NoLocalNamespace() {
    }

    static MagicUsageException refuse(String what, String instead) {
        return new MagicUsageException("NotSupported", what + " is not supported. " + REASON + " " + instead);
    }
}
