package io.causality.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> row(String json) throws Exception {
        List<JsonNode> values = new java.util.ArrayList<>();
        JSON.readTree(json).forEach(values::add);
        return values;
    }

    @Test
    void alignsNumbersRightTextLeftAndShowsNullAndTheRowCount() throws Exception {
        TrinoClient.Result r =
                new TrinoClient.Result(
                        List.of("app_id", "events", "revenue", "tags"),
                        List.of("varchar", "bigint", "decimal(10,2)", "array(varchar)"),
                        List.of(
                                row("[\"demo-shop\", 1234, \"12.50\", [\"a\"]]"),
                                row("[\"x\", 7, null, []]")));

        assertThat(ResultTable.format(r))
                .isEqualTo(
                        String.join(
                                "\n",
                                "app_id    | events | revenue | tags",
                                "----------+--------+---------+------",
                                "demo-shop |   1234 |   12.50 | [\"a\"]",
                                "x         |      7 |    NULL | []",
                                "(2 rows)",
                                ""));
    }

    @Test
    void anEmptyResultStillHasItsHeader() {
        TrinoClient.Result r = new TrinoClient.Result(List.of("n"), List.of("bigint"), List.of());
        assertThat(ResultTable.format(r)).isEqualTo("n\n-\n(0 rows)\n");
    }
}
