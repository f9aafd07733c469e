package livykernel.livy;

import okhttp3.Interceptor;

import java.util.function.Function;

/**
 * An authentication scheme beyond fixed headers (Basic and custom headers are set once for every
 * request): it runs as an OkHttp network interceptor, so it sees every attempt, retries and
 * followed redirects included, with the headers OkHttp itself adds. Only requests to Livy's REST
 * API reach it ({@link #isLivyCall}); the Spark UI's links are left alone.
 */
public interface LivyAuth extends Interceptor {

    /** The tag {@link LivyClient} puts on its REST requests; OkHttp keeps it on follow-ups. */
    enum LivyCall { TAG }

    /** True for a request LivyClient made to Livy's REST API (or a redirect of one). */
    static boolean isLivyCall(okhttp3.Request request) {
        return request.tag(LivyCall.class) != null;
    }

    /**
     * The sentence for a refused request that this scheme understands (for example AWS's answer to
     * a bad signature), or null to leave it to the generic description. {@code header} reads the
     * response's headers. Must never repeat a secret.
     */
    default String explainRefusal(int status, String body, Function<String, String> header) {
        return null;
    }
}
