package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark UI's monitoring REST API over in-memory jobs and stages, answering the routes the
 * poller uses the way Spark 3.5 does (status filters, single job or stage by id, 404 as null),
 * and recording every URL asked for.
 */
final class FakeSparkUi implements SparkRest {

    static final String API = "http://127.0.0.1:4040/api/v1/applications/local-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ONE_JOB = Pattern.compile("/jobs/(\\d+)");
    private static final Pattern ONE_STAGE = Pattern.compile("/stages/(\\d+)\\?details=false");

    ArrayNode jobs = JSON.createArrayNode();
    ArrayNode stages = JSON.createArrayNode();
    JsonNode executors = ProgressMappingTest.recorded("multi-running1-executors");
    JsonNode environment;
    boolean down;
    final List<String> urls = new ArrayList<>();
    /** Switch to recording {@code laterName} once this many more requests have been answered (-1: never). */
    private int switchAfter = -1;
    private String laterName;

    /** Serves the current recording for {@code requests} more requests, then {@code name}'s (Spark's lag). */
    FakeSparkUi after(int requests, String name) {
        switchAfter = urls.size() + requests;
        laterName = name;
        return this;
    }

    /** Serves the recorded {@code <name>-jobs.json} and {@code <name>-stages.json} from now on. */
    FakeSparkUi recorded(String name) {
        jobs = (ArrayNode) ProgressMappingTest.recorded(name + "-jobs");
        stages = (ArrayNode) ProgressMappingTest.recorded(name + "-stages");
        return this;
    }

    /** Paths asked for, relative to the application's API root. */
    List<String> paths() {
        return urls.stream().map(u -> u.substring(API.length())).toList();
    }

    @Override
    public JsonNode get(String url) {
        if (switchAfter >= 0 && urls.size() >= switchAfter) {
            switchAfter = -1;
            recorded(laterName);
        }
        urls.add(url);
        if (down) {
            throw new IllegalStateException("connection refused");
        }
        if (!url.startsWith(API)) {
            return null;
        }
        String path = url.substring(API.length());
        Matcher m;
        switch (path) {
            case "/jobs":
                return jobs;
            case "/jobs?status=running":
                return filter(jobs, j -> "RUNNING".equals(j.path("status").asText()));
            case "/stages?status=active&status=pending":
                return filter(stages, s -> Set.of("ACTIVE", "PENDING").contains(s.path("status").asText()));
            case "/executors":
                return executors;
            case "/environment":
                return environment;
            default:
                if ((m = ONE_JOB.matcher(path)).matches()) {
                    int id = Integer.parseInt(m.group(1));
                    ArrayNode found = filter(jobs, j -> j.path("jobId").asInt() == id);
                    return found.isEmpty() ? null : found.get(0);
                }
                if ((m = ONE_STAGE.matcher(path)).matches()) {
                    int id = Integer.parseInt(m.group(1));
                    ArrayNode found = filter(stages, s -> s.path("stageId").asInt() == id);
                    return found.isEmpty() ? null : found;
                }
                return null;
        }
    }

    private static ArrayNode filter(ArrayNode all, Predicate<JsonNode> keep) {
        ArrayNode out = JSON.createArrayNode();
        all.forEach(n -> {
            if (keep.test(n)) {
                out.add(n);
            }
        });
        return out;
    }

    /** A job as {@code /jobs} lists it. */
    static JsonNode job(int id, String group, String status, int... stageIds) {
        var j = JSON.createObjectNode().put("jobId", id).put("name", "count at <stdin>:" + id).put("status", status)
                .put("numTasks", 4).put("numCompletedTasks", "SUCCEEDED".equals(status) ? 4 : 0);
        if (group != null) {
            j.put("jobGroup", group);
        }
        var ids = j.putArray("stageIds");
        for (int s : stageIds) {
            ids.add(s);
        }
        return j;
    }

    /** A stage attempt as {@code /stages} lists it. */
    static JsonNode stage(int id, int attempt, String status) {
        return JSON.createObjectNode().put("stageId", id).put("attemptId", attempt).put("status", status)
                .put("name", "stage " + id).put("numTasks", 4).put("numCompleteTasks", "COMPLETE".equals(status) ? 4 : 0);
    }
}
