package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;

/** GETs JSON from an absolute URL of the Spark UI (through Livy's HTTP client); throws on any failure. */
@FunctionalInterface
public interface SparkRest {
    JsonNode get(String url);
}
