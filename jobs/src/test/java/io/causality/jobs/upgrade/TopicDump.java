package io.causality.jobs.upgrade;

import io.causality.processes.KafkaBroker;
import io.causality.testing.TopicRead;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A topic as a savepoint fixture saw it: every record with its partition, time, key and value, in
 * offset order, one per line ({@code partition TAB time TAB key TAB value}, key and value in
 * base64, {@code -} for none). Written beside the savepoints and replayed into a new broker before
 * a restore, so the restored sources find the same records at the same offsets. A topic written in
 * one transaction (the rules, as {@code RuleTopic} publishes them) is replayed in one, so its
 * commit marker takes the same offset again; other topics must have been written without.
 */
final class TopicDump {
    private TopicDump() {}

    static void write(KafkaBroker kafka, String topic, Path file) throws Exception {
        List<String> lines = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> records =
                new ArrayList<>(TopicRead.records(kafka.bootstrapServers(), topic));
        records.sort(
                java.util.Comparator.comparingInt(
                                (ConsumerRecord<byte[], byte[]> r) -> r.partition())
                        .thenComparingLong(ConsumerRecord::offset));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            lines.add(
                    r.partition()
                            + "\t"
                            + r.timestamp()
                            + "\t"
                            + b64(r.key())
                            + "\t"
                            + b64(r.value()));
        }
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /**
     * Sends the dump's records to the topic (empty, with as many partitions), in their order, in
     * one transaction if {@code oneTransaction}.
     */
    static void replay(KafkaBroker kafka, String topic, Path file, boolean oneTransaction)
            throws Exception {
        if (!Files.exists(file)) {
            return;
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        if (oneTransaction) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fixture-replay-" + topic);
        }
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (oneTransaction) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                Integer.parseInt(f[0]),
                                Long.parseLong(f[1]),
                                unb64(f[2]),
                                unb64(f[3])));
            }
            if (oneTransaction) {
                producer.commitTransaction();
            }
            producer.flush();
        }
    }

    private static String b64(byte[] b) {
        return b == null ? "-" : Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(String s) {
        return s.equals("-") ? null : Base64.getDecoder().decode(s);
    }
}
