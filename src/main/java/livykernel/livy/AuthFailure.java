package livykernel.livy;

import java.io.IOException;

/**
 * An auth scheme could not authenticate a request before sending it (no credentials, no region):
 * the message is the user's sentence. Never retried: trying again finds the same nothing.
 */
public final class AuthFailure extends IOException {

    public AuthFailure(String sentence) {
        super(sentence);
    }
}
