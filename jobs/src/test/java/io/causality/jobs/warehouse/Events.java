package io.causality.jobs.warehouse;

import io.causality.jobs.common.EventReader;
import io.causality.jobs.common.EventRecord;
import io.causality.jobs.common.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** Readable fixtures: stored events as the ingest writes them. */
final class Events {
    static final Instant T0 = Instant.parse("2026-11-22T10:15:00Z");

    private Events() {}

    static String purchase(String eventId, String app, Instant at, double total) {
        return "{\"event_id\":\""
                + eventId
                + "\",\"app_id\":\""
                + app
                + "\",\"type\":\"purchase_complete\",\"user_id\":\"u-1\",\"anonymous_id\":\"d-1\","
                + "\"timestamp\":\""
                + at
                + "\",\"received_at\":\""
                + at.plusSeconds(2)
                + "\",\"context\":{\"ip\":\"203.0.113.1\",\"os\":{\"name\":\"iOS\",\"version\":\"18.1\"},"
                + "\"screen\":{\"width\":1170,\"height\":2532},\"source\":{\"api\":\"native\"},\"custom\":\"kept\"},"
                + "\"properties\":{\"order_id\":\"o-1\",\"total\":"
                + total
                + ",\"currency\":\"EUR\"}}";
    }

    /** n purchases of app "shop", one second apart, as the parser makes them into lake rows. */
    /** A row's value of the named column, as {@link LakeRecords#texts} gives it. */
    static String column(LakeRow row, String name) {
        List<io.causality.schemas.lake.LakeColumn> cols =
                io.causality.schemas.lake.LakeSchema.columns();
        for (int i = 0; i < cols.size(); i++) {
            if (cols.get(i).name().equals(name)) {
                return LakeRecords.texts(row)[i];
            }
        }
        throw new IllegalArgumentException("no lake column " + name);
    }

    static List<LakeRow> rows(int n) throws Exception {
        OneInputStreamOperatorTestHarness<EventRecord, LakeRow> parser =
                ProcessFunctionTestHarnesses.forProcessFunction(new EventParser());
        for (int i = 0; i < n; i++) {
            String id = String.format("0190f8a2-7b7e-7c1a-9f00-%012d", i);
            parser.processElement(record(purchase(id, "shop", T0.plusSeconds(i), i + 0.5)), 0);
        }
        return parser.extractOutputValues();
    }

    /** Writes rows to one Parquet file with the lake's writer. */
    static void writeParquet(
            List<LakeRow> rows, java.nio.file.Path file, CompressionCodecName codec)
            throws Exception {
        try (FSDataOutputStream out =
                FileSystem.getLocalFileSystem()
                        .create(new Path(file.toUri()), FileSystem.WriteMode.OVERWRITE)) {
            BulkWriter<LakeRow> writer = new LakeWriterFactory(codec).create(out);
            for (LakeRow row : rows) {
                writer.addElement(row);
            }
            writer.finish();
        }
    }

    /** An event as the job's first step reads it. */
    static EventRecord record(String json) throws EventReader.NotAnEvent {
        return EventReader.read(raw(json));
    }

    static RawRecord raw(String json) {
        return raw(json.getBytes(StandardCharsets.UTF_8));
    }

    static RawRecord raw(byte[] bytes) {
        return new RawRecord("causality.events", 0, 42, bytes);
    }
}
