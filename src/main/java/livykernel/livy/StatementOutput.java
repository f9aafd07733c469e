package livykernel.livy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** The result of a finished statement: mime data on success, ename/evalue/traceback on error. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StatementOutput(String status, @JsonProperty("execution_count") int executionCount, JsonNode data,
                              String ename, String evalue, List<String> traceback) {

    public boolean isError() {
        return "error".equals(status);
    }
}
