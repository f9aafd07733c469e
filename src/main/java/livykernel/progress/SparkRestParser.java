package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Maps Spark monitoring REST JSON to {@link SparkJob}/{@link SparkStage}, keeping only one job group's jobs. */
public final class SparkRestParser {

    // Spark writes dates as "2026-11-25T08:25:05.283GMT" (always GMT).
    private static final DateTimeFormatter SPARK_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'GMT'");

    private SparkRestParser() {
    }

    /** Jobs whose {@code jobGroup} is {@code group} (Livy sets it to the statement id), oldest first. */
    public static List<SparkJob> jobs(JsonNode jobs, String group) {
        List<SparkJob> out = new ArrayList<>();
        for (JsonNode j : jobs) {
            if (group.equals(group(j))) {
                out.add(job(j));
            }
        }
        out.sort(Comparator.comparingInt(SparkJob::jobId));
        return out;
    }

    /** The job group of one entry of {@code /jobs}, or null when it has none. */
    public static String group(JsonNode job) {
        return job.path("jobGroup").asText(null);
    }

    /** One entry of {@code /jobs} (or the answer of {@code /jobs/{id}}). */
    public static SparkJob job(JsonNode j) {
        List<Integer> stageIds = new ArrayList<>();
        j.path("stageIds").forEach(s -> stageIds.add(s.asInt()));
        return new SparkJob(j.path("jobId").asInt(), j.path("name").asText(""), j.path("status").asText("UNKNOWN"),
                j.path("numTasks").asInt(), j.path("numActiveTasks").asInt(), j.path("numCompletedTasks").asInt(),
                j.path("numSkippedTasks").asInt(), j.path("numFailedTasks").asInt(), stageIds,
                time(j.path("submissionTime")), time(j.path("completionTime")));
    }

    /** The latest attempt of each stage in {@code stageIds}, by stage id. */
    public static List<SparkStage> stages(JsonNode stages, Set<Integer> stageIds) {
        Map<Integer, SparkStage> latest = latestAttempts(stages);
        latest.keySet().retainAll(stageIds);
        List<SparkStage> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparingInt(SparkStage::stageId));
        return out;
    }

    /** Stage attempts (a {@code /stages} list, or {@code /stages/{id}}) reduced to the latest attempt of each stage. */
    public static Map<Integer, SparkStage> latestAttempts(JsonNode stages) {
        Map<Integer, SparkStage> latest = new HashMap<>();
        for (JsonNode s : stages) {
            SparkStage stage = new SparkStage(s.path("stageId").asInt(), s.path("attemptId").asInt(), s.path("name").asText(""),
                    s.path("status").asText("PENDING"), s.path("numTasks").asInt(), s.path("numActiveTasks").asInt(),
                    s.path("numCompleteTasks").asInt(), s.path("numFailedTasks").asInt(),
                    time(s.path("submissionTime")), time(s.path("completionTime")),
                    s.path("failureReason").isTextual() ? s.path("failureReason").asText() : null);
            latest.merge(stage.stageId(), stage, (a, b) -> a.attemptId() >= b.attemptId() ? a : b);
        }
        return latest;
    }

    /** {executors, cores}: active non-driver executors; in local mode the driver runs the tasks, so its cores count. */
    public static int[] executors(JsonNode executors) {
        int count = 0;
        int cores = 0;
        int driverCores = 0;
        for (JsonNode e : executors) {
            if (!e.path("isActive").asBoolean(true)) {
                continue;
            }
            if ("driver".equals(e.path("id").asText())) {
                driverCores = e.path("totalCores").asInt();
            } else {
                count++;
                cores += e.path("totalCores").asInt();
            }
        }
        return new int[] {count, count == 0 ? driverCores : cores};
    }

    /** {@code sparkProperties} of {@code /environment}: Spark lists them as [name, value] pairs. */
    public static Map<String, String> sparkProperties(JsonNode environment) {
        Map<String, String> props = new HashMap<>();
        for (JsonNode pair : environment.path("sparkProperties")) {
            if (pair.isArray() && pair.size() == 2) {
                props.put(pair.get(0).asText(), pair.get(1).asText());
            }
        }
        return props;
    }

    static long time(JsonNode n) {
        if (!n.isTextual()) {
            return 0;
        }
        try {
            return LocalDateTime.parse(n.asText(), SPARK_DATE).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
