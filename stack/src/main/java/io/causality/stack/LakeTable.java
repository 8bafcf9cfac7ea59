package io.causality.stack;

import io.causality.schemas.lake.DecisionTable;
import io.causality.schemas.lake.LakeSchema;
import java.io.IOException;
import java.time.Duration;

/**
 * The lake's tables in Trino, {@code lake.causality.events} and the decisions beside it ({@code
 * rule_matches}, {@code anomalies}, {@code deliveries}): defined from the schemas module (never by
 * hand) and kept in step with the partitions the warehouse job adds.
 */
public final class LakeTable {
    public static final String NAME = "events";

    private static final String QUALIFIED =
            TrinoServer.CATALOG + "." + TrinoServer.SCHEMA + "." + NAME;

    private final TrinoClient trino;
    private final String bucketUri;

    /**
     * @param bucketUri the lake's root, e.g. {@code s3://causality-lake/}; the table is in {@code
     *     events} below it
     */
    public LakeTable(TrinoClient trino, String bucketUri) {
        this.trino = trino;
        this.bucketUri = bucketUri.endsWith("/") ? bucketUri : bucketUri + "/";
    }

    /**
     * (Re)defines the table from {@link LakeSchema#trinoDdl}. It is an external table, so dropping
     * it drops only the definition: redefining at every {@code up} keeps it equal to what the
     * schemas module says now, and the data where it is.
     */
    public void define() throws IOException, InterruptedException {
        run(
                "CREATE SCHEMA IF NOT EXISTS "
                        + TrinoServer.CATALOG
                        + "."
                        + TrinoServer.SCHEMA
                        + " WITH (location = '"
                        + bucketUri
                        + "')");
        run("DROP TABLE IF EXISTS " + QUALIFIED);
        run(LakeSchema.trinoDdl(QUALIFIED, bucketUri + NAME));
        for (DecisionTable t : DecisionTable.values()) {
            String table = qualified(t.table());
            run("DROP TABLE IF EXISTS " + table);
            run(t.trinoDdl(table, bucketUri + t.table()));
        }
        sync();
    }

    private static String qualified(String table) {
        return TrinoServer.CATALOG + "." + TrinoServer.SCHEMA + "." + table;
    }

    /**
     * Registers partitions the job created since the last call (and forgets removed ones). Cheap at
     * local scale: one listing of the table's folder. {@code causality sql} and the demo run it
     * before every query, so new partitions need no manual step.
     */
    public void sync() throws IOException, InterruptedException {
        sync(NAME);
        for (DecisionTable t : DecisionTable.values()) {
            sync(t.table());
        }
    }

    private void sync(String table) throws IOException, InterruptedException {
        run(
                "CALL "
                        + TrinoServer.CATALOG
                        + ".system.sync_partition_metadata('"
                        + TrinoServer.SCHEMA
                        + "', '"
                        + table
                        + "', 'FULL')");
    }

    private void run(String sql) throws IOException, InterruptedException {
        trino.query(sql, Duration.ofSeconds(60));
    }
}
