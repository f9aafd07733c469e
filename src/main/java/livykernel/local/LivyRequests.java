package livykernel.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Request bodies Livy accepts, parsed strictly as Livy does (unknown fields are a 400), with
 * Livy's validation messages.
 */
public final class LivyRequests {
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private LivyRequests() {
    }

    /** Body of {@code POST /sessions} (Livy's CreateInteractiveRequest, 17 fields). */
    public record CreateSession(
            String kind, String proxyUser, List<String> jars, List<String> pyFiles, List<String> files,
            String driverMemory, Integer driverCores, String executorMemory, Integer executorCores,
            Integer numExecutors, List<String> archives, String queue, String name, Map<String, String> conf,
            Integer heartbeatTimeoutInSecond, String ttl, String idleTimeout) {

        public SessionKind sessionKind() {
            return kind == null ? SessionKind.SHARED : SessionKind.parse(kind);
        }

        /** Per-session idle timeout: master's {@code idleTimeout}, else 0.8's {@code ttl}; null = server default. */
        public Duration sessionIdleTimeout() {
            String value = idleTimeout != null ? idleTimeout : ttl;
            return value == null ? null : parseTime(value);
        }

        /** Validates what Livy rejects with "Rejected, Reason: ...". */
        public void validate() {
            sessionKind();
            if (!sessionKind().runnable() && sessionKind() != SessionKind.SHARED) {
                throw HttpError.msg(400, "Rejected, Reason: session kind " + sessionKind().json()
                        + " is not supported by the local endpoint (use pyspark, sql or shared)");
            }
            if (name != null && name.chars().allMatch(Character::isDigit)) {
                throw HttpError.msg(400, "Rejected, Reason: Invalid session name: " + name);
            }
            if (ttl != null) {
                parseTime(ttl);
            }
            if (idleTimeout != null) {
                parseTime(idleTimeout);
            }
            if (conf != null && conf.containsKey("spark.submit.deployMode")) {
                throw HttpError.msg(400, "Rejected, Reason: Blacklisted configuration values in session config: "
                        + "spark.submit.deployMode");
            }
            if (heartbeatTimeoutInSecond != null && heartbeatTimeoutInSecond < 0) {
                throw HttpError.msg(400, "Rejected, Reason: heartbeatTimeoutInSecond must not be negative");
            }
        }

        private static Duration parseTime(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw HttpError.msg(400, "Rejected, Reason: " + e.getMessage());
            }
        }
    }

    /** Body of {@code POST /sessions/{id}/statements}. */
    public record Statement(String code, String kind) {
    }

    /** Body of {@code POST /sessions/{id}/completion}. */
    public record Completion(String code, String kind, Integer cursor) {
    }

    /**
     * Parses a body strictly. An empty body counts as {@code {}}. Errors are 400 with a bare JSON
     * string, as Livy answers them.
     */
    public static <T> T parse(byte[] body, Class<T> type) {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        if (text.isBlank()) {
            text = "{}";
        }
        try {
            return STRICT.readValue(text, type);
        } catch (UnrecognizedPropertyException e) {
            throw HttpError.bare(400, e.getOriginalMessage());
        } catch (MismatchedInputException e) {
            throw HttpError.bare(400, e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw HttpError.bare(400, "Malformed JSON in request body: " + e.getOriginalMessage());
        }
    }
}
