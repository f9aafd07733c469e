package livykernel.livy;

import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Set;

/**
 * Retries idempotent requests (GET, DELETE) on connection errors and 502/503/504 with
 * backoff. POSTs are never retried here: a statement sent twice could run twice.
 */
final class RetryInterceptor implements Interceptor {

    private static final Logger LOG = LoggerFactory.getLogger(RetryInterceptor.class);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "DELETE", "HEAD");
    private static final Set<Integer> RETRIED_STATUS = Set.of(502, 503, 504);

    private final List<Long> backoffMillis;

    RetryInterceptor(List<Long> backoffMillis) {
        this.backoffMillis = List.copyOf(backoffMillis);
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (!IDEMPOTENT.contains(request.method())) {
            return chain.proceed(request);
        }
        IOException lastError = null;
        for (int attempt = 0; ; attempt++) {
            try {
                Response response = chain.proceed(request);
                if (!RETRIED_STATUS.contains(response.code()) || attempt >= backoffMillis.size()) {
                    return response;
                }
                LOG.debug("{} {} answered {}; retrying", request.method(), request.url().encodedPath(), response.code());
                response.close();
            } catch (InterruptedIOException | AuthFailure e) {
                // A timeout or an interrupted thread: retrying would only make the user wait longer;
                // missing credentials stay missing.
                throw e;
            } catch (IOException e) {
                lastError = e;
                // A cancelled call (an interrupt ending a held GET) must end now, not after the backoff.
                if (attempt >= backoffMillis.size() || chain.call().isCanceled()) {
                    throw e;
                }
                LOG.debug("{} {} failed ({}); retrying", request.method(), request.url().encodedPath(), e.toString());
            }
            try {
                Thread.sleep(backoffMillis.get(attempt));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw lastError != null ? lastError : new InterruptedIOException("interrupted while retrying");
            }
        }
    }
}
