package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

import java.util.List;

/** The execute_reply content: the cell ran, failed, or was aborted behind an earlier failure. */
public sealed interface ExecuteReply extends MessageContent {

    @Override
    default String msgType() {
        return MsgType.EXECUTE_REPLY;
    }

    /** {@code status: ok} with the cell's execution count. */
    record Ok(int executionCount) implements ExecuteReply {
        @Override
        public ObjectNode toJson() {
            ObjectNode c = Json.object();
            c.put("status", "ok");
            return finish(c, executionCount);
        }
    }

    /**
     * {@code status: ok} carrying the {@code ask_exit} payload, as ipykernel answers {@code exit}:
     * the front end leaves, and shuts the kernel down unless {@code keepkernel}.
     */
    record AskExit(int executionCount, boolean keepKernel) implements ExecuteReply {
        @Override
        public ObjectNode toJson() {
            ObjectNode c = finish(Json.object().put("status", "ok"), executionCount);
            c.putArray("payload").addObject().put("source", "ask_exit").put("keepkernel", keepKernel);
            return c;
        }
    }

    /** {@code status: error} with the same ename, evalue and traceback as the error output. */
    record Error(int executionCount, String ename, String evalue, List<String> traceback) implements ExecuteReply {
        public Error {
            traceback = traceback == null ? List.of() : List.copyOf(traceback);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode c = Json.object();
            c.put("status", "error");
            ErrorOutput.write(c, ename, evalue, traceback);
            return finish(c, executionCount);
        }
    }

    /** Exactly {@code {"status":"aborted"}}, as ipykernel replies for requests queued behind a failure. */
    record Aborted() implements ExecuteReply {
        @Override
        public ObjectNode toJson() {
            return Json.object().put("status", "aborted");
        }
    }

    private static ObjectNode finish(ObjectNode c, int executionCount) {
        c.put("execution_count", executionCount);
        c.putArray("payload");
        c.putObject("user_expressions");
        return c;
    }
}
