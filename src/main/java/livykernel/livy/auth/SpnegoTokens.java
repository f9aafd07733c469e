package livykernel.livy.auth;

/** Where {@link Negotiate} gets its tokens: the JDK's GSS-API in the kernel, a stand-in in tests. */
interface SpnegoTokens {

    /** A new security context for Livy at {@code host} and its first token; a LivyException with one sentence when none can be made. */
    Exchange begin(String host);

    /** The client principal, or null when not known yet. */
    String principal();

    /** Livy's service principal at {@code host}, for messages ("HTTP/host"). */
    String servicePrincipal(String host);

    /** One SPNEGO exchange. */
    interface Exchange {
        byte[] token();

        /** Takes Livy's answer token (null: none) and tells whether Livy proved its identity. */
        boolean finish(byte[] serverToken);

        void close();
    }
}
