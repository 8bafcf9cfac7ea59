package io.causality.testing;

import io.causality.schemas.lake.LakeSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/** What a lake on disk holds in its committed Parquet files (in-progress ones are hidden). */
public final class LakeFiles {
    private LakeFiles() {}

    /** The committed files under a folder (the lake, a partition, ...), none if it is not there. */
    public static List<Path> committed(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(LakeSchema::isCommittedFile).toList();
        }
    }

    /** The event id of every row under the folder, repeats kept. */
    public static List<String> eventIds(Path dir) throws IOException {
        List<String> ids = new ArrayList<>();
        for (Path f : committed(dir)) {
            try (ParquetReader<GenericRecord> reader =
                    AvroParquetReader.<GenericRecord>builder(new LocalInputFile(f)).build()) {
                for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                    ids.add(r.get("event_id").toString());
                }
            }
        }
        return ids;
    }
}
