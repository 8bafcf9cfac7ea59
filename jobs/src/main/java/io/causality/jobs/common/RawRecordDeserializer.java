package io.causality.jobs.common;

import io.causality.contracts.EventHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Reads Kafka records as they are; parsing happens in the job, where failures can be routed. */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        RawRecord raw =
                new RawRecord(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.value() == null ? new byte[0] : record.value());
        Header validated = record.headers().lastHeader(EventHeaders.VALIDATED);
        if (validated != null && validated.value() != null) {
            raw.validatedAs = new String(validated.value(), StandardCharsets.UTF_8);
        }
        out.collect(raw);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
