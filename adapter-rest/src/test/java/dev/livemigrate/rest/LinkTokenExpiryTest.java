package dev.livemigrate.rest;

import dev.livemigrate.core.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A link-token is valid until the expiry written into it (30 days unless asked otherwise), then refused, also after a restart. */
class LinkTokenExpiryTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aTokenIsRefusedOnceItExpired() throws Exception {
        MutableClock clock = new MutableClock(T);
        LinkTokens tokens = new LinkTokens(new DataDir(dir), clock);
        LinkTokens.Issued issued = tokens.create("org1", new AccessList(List.of(AccessList.parse("127.0.0.1/32"))),
                URI.create("https://control.example.net"), Duration.ofHours(48));
        assertThat(issued.stored().expiresAt()).isEqualTo(T.plus(Duration.ofHours(48)));

        clock.set(T.plus(Duration.ofHours(48)).minusSeconds(1));
        assertThat(tokens.verify(issued.token()).org()).isEqualTo("org1");

        clock.set(T.plus(Duration.ofHours(48)));
        assertThatThrownBy(() -> tokens.verify(issued.token())).isInstanceOf(LinkTokens.Refused.class)
                .hasMessageContaining("expired at 2026-12-03T10:00:00Z").hasMessageNotContaining(issued.token());
        LinkTokens restarted = new LinkTokens(new DataDir(dir), clock);
        assertThat(restarted.verify(freshToken(restarted).token()).org()).isEqualTo("org1");
        assertThatThrownBy(() -> restarted.verify(issued.token())).isInstanceOf(LinkTokens.Refused.class);
    }

    @Test
    void theDefaultLifetimeIsThirtyDays() {
        LinkTokens tokens = new LinkTokens(new DataDir(dir), new MutableClock(T));

        LinkTokens.Issued issued = tokens.create("org2", new AccessList(List.of(AccessList.parse("10.0.0.0/24"))),
                URI.create("https://control.example.net"), LinkTokens.DEFAULT_LIFETIME);

        assertThat(issued.stored().expiresAt()).isEqualTo(T.plus(Duration.ofDays(30)));
    }

    /** A fresh token made after the restart, to show the restarted store works. */
    private static LinkTokens.Issued freshToken(LinkTokens tokens) {
        return tokens.create("org1", new AccessList(List.of(AccessList.parse("127.0.0.1/32"))), URI.create("https://control.example.net"),
                Duration.ofHours(1));
    }
}
