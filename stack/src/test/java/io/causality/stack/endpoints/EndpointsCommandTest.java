package io.causality.stack.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.causality.testing.TestPostgres;
import io.causality.webhooks.EndpointStore;
import io.causality.webhooks.SchemaMigrations;
import io.causality.webhooks.SecretBox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EndpointsCommandTest {
    private static TestPostgres postgres;
    private static EndpointStore store;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private EndpointsCommand command;

    @BeforeAll
    static void start() throws Exception {
        postgres = TestPostgres.start();
        SchemaMigrations.apply(postgres.dataSource());
        store =
                new EndpointStore(
                        postgres.dataSource(),
                        new SecretBox("a-delivery-secret-key-of-32-characters!"));
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void fresh() {
        command =
                new EndpointsCommand(
                        store,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        String s = out.toString(StandardCharsets.UTF_8);
        out.reset();
        return s;
    }

    private static String secretIn(String text) {
        Matcher m = Pattern.compile("whsec_[A-Za-z0-9+/=]+").matcher(text);
        assertThat(m.find()).as("a secret in: " + text).isTrue();
        return m.group();
    }

    @Test
    void theSecretIsShownByAddAndRotateOnly() throws Exception {
        assertThat(command.add("shop", "sales", "https://hooks.example.com/s", 20, true)).isZero();
        String added = out();
        String secret = secretIn(added);
        assertThat(added)
                .contains("shop/sales")
                .contains("20/s")
                .contains("then webhook \"sales\"");

        assertThat(command.list(null)).isZero();
        String listed = out();
        assertThat(listed)
                .contains("sales")
                .contains("https://hooks.example.com/s")
                .doesNotContain("whsec_");
        assertThat(command.show("shop", "sales")).isZero();
        String shown = out();
        assertThat(shown).contains("1 signing").doesNotContain("whsec_");

        assertThat(command.rotateSecret("shop", "sales", Duration.ofHours(24))).isZero();
        String next = secretIn(out());
        assertThat(next).isNotEqualTo(secret);
        command.show("shop", "sales");
        assertThat(out()).contains("2 signing (the previous one until");
    }

    @Test
    void disableEnableAndDeleteSayWhatHappened() throws Exception {
        command.add("news", "crm", "http://127.0.0.1:9/hook", null, false);
        assertThat(out()).contains("note: http:// is delivered only where");
        assertThat(command.setEnabled("news", "crm", false, "maintenance")).isZero();
        assertThat(out()).contains("news/crm is now disabled");
        command.show("news", "crm");
        assertThat(out()).contains("disabled since").contains("maintenance");
        assertThat(command.setEnabled("news", "crm", false, null)).isZero();
        assertThat(out()).contains("was already disabled");
        assertThat(command.setEnabled("news", "crm", true, null)).isZero();
        assertThat(command.delete("news", "crm")).isZero();
        assertThat(out()).contains("deleted news/crm");
        assertThat(command.delete("news", "crm")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no endpoint named crm");
    }

    @Test
    void badInputIsRefusedWithWhatToFix() throws Exception {
        assertThat(command.add("shop", "Bad Name", "https://a.example.com", null, false))
                .isEqualTo(1);
        assertThat(command.add("shop", "x", "ftp://a.example.com", null, false)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("endpoint name is 1-64 characters")
                .contains("starts with https://");
        assertThat(EndpointsCommand.parseRate("20/s")).isEqualTo(20);
        assertThat(EndpointsCommand.parseRate("5")).isEqualTo(5);
        assertThat(EndpointsCommand.parseRate(null)).isNull();
        assertThatThrownBy(() -> EndpointsCommand.parseRate("fast"))
                .hasMessageContaining("like 20/s");
        assertThatThrownBy(() -> EndpointsCommand.parseRate("0/s"))
                .hasMessageContaining("like 20/s");
    }
}
