package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * GETs JSON from an absolute URL of the Spark UI (through Livy's HTTP client). Answers null when
 * the resource does not exist (404, as for a job id Spark has not handed out yet); throws on any
 * other failure.
 */
@FunctionalInterface
public interface SparkRest {
    JsonNode get(String url);
}
