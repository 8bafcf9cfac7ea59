package io.causality.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    // The Standard Webhooks specification's published test vector.
    private static final WebhookSecret SPEC_SECRET =
            WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330L;
    private static final byte[] SPEC_BODY =
            "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theSpecificationsTestVector() {
        assertThat(WebhookSignature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertThat(
                        WebhookSignature.verify(
                                SPEC_SECRET,
                                SPEC_ID,
                                SPEC_TIMESTAMP,
                                SPEC_BODY,
                                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="))
                .isTrue();
    }

    @Test
    void anyChangeToIdTimestampOrBodyBreaksTheSignature() {
        String good = WebhookSignature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        assertThat(
                        WebhookSignature.verify(
                                SPEC_SECRET, "msg_other", SPEC_TIMESTAMP, SPEC_BODY, good))
                .isFalse();
        assertThat(
                        WebhookSignature.verify(
                                SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY, good))
                .isFalse();
        assertThat(
                        WebhookSignature.verify(
                                SPEC_SECRET,
                                SPEC_ID,
                                SPEC_TIMESTAMP,
                                "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8),
                                good))
                .isFalse();
        assertThat(WebhookSignature.verify(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, null))
                .isFalse();
    }

    @Test
    void duringARotationBothSecretsSignAndEitherVerifies() {
        WebhookSecret next = WebhookSecret.generate();
        String header =
                WebhookSignature.header(
                        List.of(next, SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        assertThat(header.split(" ")).hasSize(2);
        assertThat(header).endsWith("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertThat(WebhookSignature.verify(next, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, header))
                .isTrue();
        assertThat(WebhookSignature.verify(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, header))
                .isTrue();
        assertThat(
                        WebhookSignature.verify(
                                WebhookSecret.generate(),
                                SPEC_ID,
                                SPEC_TIMESTAMP,
                                SPEC_BODY,
                                header))
                .isFalse();
        assertThatThrownBy(() -> WebhookSignature.header(List.of(), SPEC_ID, 1, SPEC_BODY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secretsAreWhsecAndBase64Of24To64BytesAndNeverPrinted() {
        WebhookSecret made = WebhookSecret.generate();
        assertThat(made.reveal()).startsWith("whsec_");
        assertThat(WebhookSecret.parse(made.reveal())).isEqualTo(made);
        assertThat(made.toString()).doesNotContain(made.reveal().substring(6));
        assertThatThrownBy(() -> WebhookSecret.parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .hasMessageContaining("starts with whsec_");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_!!!")).hasMessageContaining("base64");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_" + "QUJD"))
                .hasMessageContaining("24 to 64 bytes, this one 3");
    }
}
