package livykernel.livy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** The result of a finished statement: mime data on success, ename/evalue/traceback on error. */
public record StatementOutput(String status, int executionCount, JsonNode data,
                              String ename, String evalue, List<String> traceback) {

    /** The {@code output} object of a statement in Livy's JSON. */
    public static StatementOutput from(JsonNode n) {
        return new StatementOutput(JsonFields.text(n, "status"), n.path("execution_count").asInt(), n.get("data"),
                JsonFields.text(n, "ename"), JsonFields.text(n, "evalue"), JsonFields.texts(n, "traceback"));
    }

    public boolean isError() {
        return "error".equals(status);
    }
}
