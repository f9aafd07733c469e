package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code display_data} iopub content, or with {@code update} the {@code update_display_data}
 * that replaces an earlier display of the same {@code displayId} (null: no id).
 */
public record DisplayData(MimeBundle bundle, String displayId, boolean update) implements MessageContent {

    @Override
    public String msgType() {
        return update ? MsgType.UPDATE_DISPLAY_DATA : MsgType.DISPLAY_DATA;
    }

    @Override
    public ObjectNode toJson() {
        return bundle.toJson(displayId);
    }
}
