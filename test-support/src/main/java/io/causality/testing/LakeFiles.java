package io.causality.testing;

import io.causality.schemas.lake.LakeSchema;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * What a lake on disk holds in its committed Parquet files (in-progress ones are hidden). The tests
 * read it while a job writes, so a file that vanishes before it is opened (compaction replaced it)
 * is skipped, as {@link LakeSchema#committedFiles} skips one that vanishes while the folder is
 * walked.
 */
public final class LakeFiles {
    private LakeFiles() {}

    /** The committed files under a folder (the lake, a partition, ...), none if it is not there. */
    public static List<Path> committed(Path dir) throws IOException {
        return LakeSchema.committedFiles(dir);
    }

    /** Every row under the folder, with the file it is in. */
    public static void forEachRow(Path dir, BiConsumer<Path, GenericRecord> row)
            throws IOException {
        for (Path f : committed(dir)) {
            List<GenericRecord> rows = new ArrayList<>();
            try (ParquetReader<GenericRecord> reader =
                    AvroParquetReader.<GenericRecord>builder(new LocalInputFile(f)).build()) {
                for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                    rows.add(r);
                }
            } catch (NoSuchFileException vanished) {
                continue;
            }
            rows.forEach(r -> row.accept(f, r));
        }
    }

    /** The event id of every row under the folder, repeats kept. */
    public static List<String> eventIds(Path dir) throws IOException {
        List<String> ids = new ArrayList<>();
        forEachRow(dir, (file, r) -> ids.add(r.get("event_id").toString()));
        return ids;
    }
}
