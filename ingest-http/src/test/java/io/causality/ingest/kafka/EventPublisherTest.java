package io.causality.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EventPublisherTest {
    /** What a KafkaProducer does without the topic's metadata: block, then fail the send. */
    static final class NoMetadataProducer extends MockProducer<String, byte[]> {
        final AtomicInteger sends = new AtomicInteger();

        NoMetadataProducer() {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(
                ProducerRecord<String, byte[]> record, Callback callback) {
            sends.incrementAndGet();
            TimeoutException e =
                    new TimeoutException("Topic causality.events not present in metadata");
            callback.onCompletion(null, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    private static List<EventPublisher.Outgoing> records(int n) {
        List<EventPublisher.Outgoing> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new EventPublisher.Outgoing("k" + i, new byte[] {'{', '}'}));
        }
        return out;
    }

    @Test
    void theFirstFailedSendFailsTheRestOfTheRequestWithoutSendingThem() {
        NoMetadataProducer producer = new NoMetadataProducer();
        List<String> answers = new ArrayList<>();
        EventPublisher.send(
                producer,
                "causality.events",
                records(500),
                (acked, error) -> answers.add(acked + " " + error.getClass().getSimpleName()));
        assertThat(producer.sends).hasValue(1);
        assertThat(answers).containsExactly("0 TimeoutException");
    }

    @Test
    void everyRecordIsSentAndTheRequestAnsweredOnceWhenAllAreAcknowledged() {
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        List<String> answers = new ArrayList<>();
        EventPublisher.send(
                producer,
                "causality.events",
                records(3),
                (acked, error) -> answers.add(acked + " " + error));
        assertThat(producer.history()).hasSize(3);
        assertThat(producer.history().get(0).headers().lastHeader("causality.validated"))
                .isNotNull();
        assertThat(answers).containsExactly("3 null");
    }
}
