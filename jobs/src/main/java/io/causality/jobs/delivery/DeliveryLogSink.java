package io.causality.jobs.delivery;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC sink of the delivery log, whose writer never throws from {@code close}. The JDBC writer
 * flushes what it holds when it closes and throws if PostgreSQL is away; when the task is already
 * failing (PostgreSQL restarted, say), Flink takes an exception from that cleanup as fatal and
 * stops the whole TaskManager, with every job on it (the chaos test showed it). Nothing is lost by
 * logging it instead: the rows a closing writer still held come after the last checkpoint, whose
 * barrier flushed everything before it, and are written again from there (every statement is an
 * idempotent upsert). Everything else is the JDBC sink's own, so the job's topology and state are
 * the same as with it.
 */
final class DeliveryLogSink<T>
        implements Sink<T>,
                SupportsWriterState<T, JdbcWriterState>,
                SupportsCommitter<JdbcCommitable> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLogSink.class);

    private final JdbcSink<T> jdbc;
    private final String name;

    DeliveryLogSink(JdbcSink<T> jdbc, String name) {
        this.jdbc = jdbc;
        this.name = name;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(jdbc.createWriter(context), name);
    }

    @Override
    public StatefulSinkWriter<T, JdbcWriterState> restoreWriter(
            WriterInitContext context, Collection<JdbcWriterState> recovered) throws IOException {
        return new Writer<>(jdbc.restoreWriter(context, recovered), name);
    }

    @Override
    public SimpleVersionedSerializer<JdbcWriterState> getWriterStateSerializer() {
        return jdbc.getWriterStateSerializer();
    }

    @Override
    public Committer<JdbcCommitable> createCommitter(CommitterInitContext context)
            throws IOException {
        return jdbc.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
        return jdbc.getCommittableSerializer();
    }

    private static final class Writer<T>
            implements StatefulSinkWriter<T, JdbcWriterState>,
                    CommittingSinkWriter<T, JdbcCommitable> {
        private final org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter<T>
                jdbc;
        private final String name;

        Writer(
                org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter<T> jdbc,
                String name) {
            this.jdbc = jdbc;
            this.name = name;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            jdbc.write(element, context);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            jdbc.writeWatermark(watermark);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            jdbc.flush(endOfInput);
        }

        @Override
        public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
            return jdbc.snapshotState(checkpointId);
        }

        @Override
        public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
            return jdbc.prepareCommit();
        }

        @Override
        public void close() {
            try {
                jdbc.close();
            } catch (Exception e) {
                LOG.warn(
                        "the {} writer could not write what it held when it closed; those rows are"
                                + " written again from the last checkpoint: {}",
                        name,
                        e.toString());
            }
        }
    }
}
