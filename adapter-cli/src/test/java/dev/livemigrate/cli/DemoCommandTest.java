package dev.livemigrate.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {

    @Test
    void theDemoMigratesTheSampleDataByteForByte() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = LivemigrateCommand.execute(new String[] {"demo", "--documents", "2000"}, new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("state: SYNCING", "state: READY_TO_CUTOVER", "state: CUTTING_OVER", "state: COMPLETED")
                .contains("migration demo: COMPLETED")
                .contains("shop.orders                 2,000      2,000")
                .contains("every collection arrived byte for byte")
                .doesNotContain("DIFFERENT");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        StringWriter err = new StringWriter();
        int exit = LivemigrateCommand.execute(new String[] {"teleport"}, new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument");
    }
}
