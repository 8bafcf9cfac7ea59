package io.causality.stack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.Timestamps;
import io.causality.stack.LakeTable;
import io.causality.stack.LocalStack;
import io.causality.stack.ResultTable;
import io.causality.stack.TrinoClient;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the demo asks Trino at its end: whether the lake holds every event the ingest accepted,
 * exactly once, and then a few questions a product analyst would ask of this run's events.
 */
public final class LakeQueries {
    /** Ids per query: an IN list of 5,000 ids keeps a statement far below Trino's length limit. */
    private static final int IDS_PER_QUERY = 5_000;

    /** More distinct hours than this and the per-hour table is printed long rather than wide. */
    private static final int MAX_HOUR_COLUMNS = 6;

    private final TrinoClient trino;
    private final LakeTable table;
    private final PrintStream out;

    public LakeQueries(TrinoClient trino, LakeTable table, PrintStream out) {
        this.trino = trino;
        this.table = table;
        this.out = out;
    }

    /**
     * Asks Trino whether the lake holds every event the demo run had accepted, exactly once ({@code
     * count(*)} and {@code count(DISTINCT event_id)} over the run's ids), then prints the demo's
     * queries. False if the counts do not match; skipped (true) when Trino does not run.
     */
    public static boolean checkRun(
            LocalStack stack, Demo.Result run, Duration timeout, PrintStream out)
            throws IOException, InterruptedException {
        if (!stack.config().flinkEnabled()) {
            return true;
        }
        if (stack.trino().process().running().isEmpty()) {
            out.println(
                    "Trino is not running (see `causality up`): no SQL over the lake this time");
            return true;
        }
        var queries = new LakeQueries(stack.trino().client(), stack.lakeTable(), out);
        List<String> ids = run.acceptedIds();
        out.print("asking Trino for the " + ids.size() + " accepted events ...");
        out.flush();
        var stored = queries.awaitStored(ids, timeout);
        boolean exact = stored.rows() == ids.size() && stored.distinctIds() == ids.size();
        out.println(
                " count(*) = "
                        + stored.rows()
                        + ", count(DISTINCT event_id) = "
                        + stored.distinctIds()
                        + (exact
                                ? " (= accepted: each stored exactly once)"
                                : " (MISMATCH: " + ids.size() + " accepted)"));
        queries.show(run.started());
        return exact;
    }

    /** Rows the lake holds for a set of event ids, and how many distinct ids among them. */
    public record Stored(long rows, long distinctIds) {}

    /**
     * Counts the lake's rows for the given ids until they are all there (the lake shows events a
     * few checkpoints after they arrive) or the timeout passes, registering new partitions first.
     */
    public Stored awaitStored(List<String> ids, Duration timeout)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            table.sync();
            Stored s = count(ids);
            if (s.rows() >= ids.size() || Instant.now().isAfter(deadline)) {
                return s;
            }
            Thread.sleep(1000); // the job commits at its next checkpoint; the deadline bounds this
        }
    }

    private Stored count(List<String> ids) throws IOException, InterruptedException {
        long rows = 0;
        long distinct = 0;
        // Chunks hold disjoint ids, so their counts add up.
        for (int i = 0; i < ids.size(); i += IDS_PER_QUERY) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + IDS_PER_QUERY));
            TrinoClient.Result r =
                    trino.query(
                            "SELECT count(*), count(DISTINCT event_id) FROM "
                                    + LakeTable.NAME
                                    + " WHERE event_id IN ("
                                    + chunk.stream()
                                            .map(id -> "'" + id.replace("'", "''") + "'")
                                            .collect(Collectors.joining(","))
                                    + ")",
                            Duration.ofSeconds(60));
            rows += r.rows().get(0).get(0).asLong();
            distinct += r.rows().get(0).get(1).asLong();
        }
        return new Stored(rows, distinct);
    }

    /** Prints events per type per hour and purchases per app, over events received since. */
    public void show(Instant since) throws IOException, InterruptedException {
        String run = "received_at >= TIMESTAMP '" + sqlTimestamp(since) + "'";
        List<String> hours = new ArrayList<>();
        for (List<JsonNode> row :
                query(
                                "SELECT DISTINCT format_datetime(date_trunc('hour', \"timestamp\"),"
                                        + " 'yyyy-MM-dd HH:00') FROM "
                                        + LakeTable.NAME
                                        + " WHERE "
                                        + run
                                        + " ORDER BY 1")
                        .rows()) {
            hours.add(row.get(0).asText());
        }
        String perTypeAndHour;
        if (!hours.isEmpty() && hours.size() <= MAX_HOUR_COLUMNS) {
            StringBuilder sql = new StringBuilder("SELECT type");
            for (String h : hours) {
                sql.append(", count_if(format_datetime(date_trunc('hour', \"timestamp\"),")
                        .append(" 'yyyy-MM-dd HH:00') = '")
                        .append(h)
                        .append("') AS \"")
                        .append(h)
                        .append(" UTC\"");
            }
            sql.append(", count(*) AS total FROM ")
                    .append(LakeTable.NAME)
                    .append(" WHERE ")
                    .append(run)
                    .append(" GROUP BY type ORDER BY total DESC, type");
            perTypeAndHour = sql.toString();
        } else {
            perTypeAndHour =
                    "SELECT date_trunc('hour', \"timestamp\") AS hour_utc, type, count(*) AS events"
                            + " FROM "
                            + LakeTable.NAME
                            + " WHERE "
                            + run
                            + " GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2";
        }
        print("events per type per hour (event time)", perTypeAndHour);
        print(
                "purchases per app",
                "SELECT app_id, count(*) AS purchases,"
                        + " round(sum(try_cast(json_extract_scalar(properties_json, '$.total') AS"
                        + " double)), 2) AS revenue,"
                        + " count(DISTINCT coalesce(user_id, anonymous_id)) AS buyers"
                        + " FROM "
                        + LakeTable.NAME
                        + " WHERE type = 'purchase_complete' AND "
                        + run
                        + " GROUP BY app_id ORDER BY app_id");
    }

    private void print(String title, String sql) throws IOException, InterruptedException {
        out.println();
        out.println(title + ":");
        out.println("  " + sql.replaceAll("\\s+", " "));
        out.print(ResultTable.format(query(sql)));
    }

    private TrinoClient.Result query(String sql) throws IOException, InterruptedException {
        return trino.query(sql, Duration.ofSeconds(60));
    }

    /** The lake keeps instants as UTC timestamps without zone. */
    static String sqlTimestamp(Instant t) {
        return Timestamps.format(t).replace('T', ' ').replace("Z", "");
    }
}
