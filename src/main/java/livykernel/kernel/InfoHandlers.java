package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.wire.protocol.CompleteReply;
import livykernel.wire.protocol.HistoryReply;
import livykernel.wire.protocol.InspectReply;
import livykernel.wire.protocol.IsCompleteReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quick, side-effect-free requests: kernel_info, is_complete, complete, inspect, history
 * and comm_info. Each replies on the channel the request came from.
 */
final class InfoHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(InfoHandlers.class);

    private final Messenger messenger;
    private final Completer completer;
    private final History history;
    private final CommManager comms;

    InfoHandlers(Messenger messenger, Completer completer, History history, CommManager comms) {
        this.messenger = messenger;
        this.completer = completer;
        this.history = history;
        this.comms = comms;
    }

    void kernelInfo(Request r) {
        messenger.reply(r, KernelInfo.reply());
    }

    void isComplete(Request r) {
        IsComplete.Verdict v = IsComplete.check(r.message().content().path("code").asText(""));
        messenger.reply(r, new IsCompleteReply(v.status(), v.indent()));
    }

    void complete(Request r) {
        JsonNode c = r.message().content();
        String code = c.path("code").asText("");
        int cursor = toJavaIndex(code, c.path("cursor_pos"));
        Completer.Completion found;
        try {
            found = completer.complete(code, cursor);
        } catch (RuntimeException e) {
            LOG.warn("completer failed", e);
            found = new Completer.Completion(java.util.List.of(), cursor, cursor);
        }
        messenger.reply(r, new CompleteReply(found.matches(), toCodePoints(code, found.cursorStart()),
                toCodePoints(code, found.cursorEnd())));
    }

    void inspect(Request r) {
        JsonNode c = r.message().content();
        String code = c.path("code").asText("");
        int cursor = toJavaIndex(code, c.path("cursor_pos"));
        Completer.Inspection found;
        try {
            found = completer.inspect(code, cursor, c.path("detail_level").asInt(0));
        } catch (RuntimeException e) {
            LOG.warn("inspector failed", e);
            found = new Completer.Inspection(false, null);
        }
        messenger.reply(r, new InspectReply(found.found(), found.data()));
    }

    void history(Request r) {
        messenger.reply(r, new HistoryReply(history.query(r.message().content())));
    }

    void commInfo(Request r) {
        messenger.reply(r, comms.info(r.message().content()));
    }

    /** The protocol counts cursor_pos in code points; Java strings index UTF-16 units. */
    static int toJavaIndex(String code, JsonNode cursorPos) {
        int points = code.codePointCount(0, code.length());
        int cp = cursorPos == null || !cursorPos.isNumber() ? points : Math.max(0, Math.min(cursorPos.asInt(), points));
        return code.offsetByCodePoints(0, cp);
    }

    static int toCodePoints(String code, int javaIndex) {
        int idx = Math.max(0, Math.min(javaIndex, code.length()));
        return code.codePointCount(0, idx);
    }
}
