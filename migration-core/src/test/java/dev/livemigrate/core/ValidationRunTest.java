package dev.livemigrate.core;

import dev.livemigrate.MigrationSpec;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** How the engine runs the checks: what an unfinished check means, and one catalog listing for all of them. */
class ValidationRunTest {

    @Test
    void aCheckThatCouldNotFinishRefusesTheStartUnlessTheSpecAcceptsIt() {
        List<Validator> validators = List.of(failing("oplog-window", true), failing("advice", false), blocking("disk-space"));

        List<String> strict = run(spec(), validators);
        List<String> accepting = run(MigrationSpec.builder(spec()).acceptUnfinishedCheck("oplog-window").acceptUnfinishedCheck("disk-space")
                .build(), validators);

        assertThat(strict).containsExactly("ERROR CHECK_FAILED", "WARNING CHECK_FAILED", "ERROR CHECK_TIMED_OUT");
        assertThat(accepting).containsExactly("WARNING CHECK_FAILED", "WARNING CHECK_FAILED", "WARNING CHECK_TIMED_OUT");
    }

    @Test
    void theRemedyOfAnUnfinishedCheckNamesTheWayToAcceptIt() {
        ValidationFinding finding = Validation.run(context(spec(), (db, c) -> new BsonDocument()), List.of(failing("oplog-window", true)),
                Duration.ofSeconds(30), List.of()).findings().get(0);

        assertThat(finding.message()).isEqualTo("the check 'oplog-window' could not run: java.lang.IllegalStateException: refused");
        assertThat(finding.remedy()).contains("acceptUnfinishedCheck(\"oplog-window\")", "--accept-unfinished-check oplog-window");
    }

    @Test
    void everyValidatorSeesOneListingOfTheCatalog() {
        // listCollections as MongoDB answers it, the rest behind a cursor: {cursor: {id, ns, firstBatch}, ok}, then getMore
        // {cursor: {id: 0, ns, nextBatch}, ok} (https://www.mongodb.com/docs/manual/reference/command/listCollections/, getMore/)
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        CommandRunner server = (db, command) -> {
            sent.add(command.getFirstKey());
            return switch (command.getFirstKey()) {
                case "listCollections" -> BsonDocument.parse("{cursor: {id: {$numberLong: '77'}, ns: 'sales.$cmd.listCollections',"
                        + " firstBatch: [{name: 'a', type: 'collection'}]}, ok: 1.0}");
                case "getMore" -> BsonDocument.parse("{cursor: {id: {$numberLong: '0'}, ns: 'sales.$cmd.listCollections',"
                        + " nextBatch: [{name: 'b', type: 'collection'}]}, ok: 1.0}");
                default -> BsonDocument.parse("{ok: 1.0}");
            };
        };
        List<Validator> listers = new ArrayList<>();
        List<List<String>> seen = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            listers.add(lister("lister-" + i, seen));
        }

        List<ValidationFinding> findings = Validation.run(context(spec(), new OnceReplies(server)), listers, Duration.ofSeconds(30),
                List.of()).findings();

        assertThat(findings).isEmpty();
        assertThat(sent).containsExactly("listCollections", "getMore");
        assertThat(seen).hasSize(4).allSatisfy(names -> assertThat(names).containsExactly("a", "b"));
    }

    private static Validator lister(String name, List<List<String>> seen) {
        return new Validator() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<ValidationFinding> validate(ValidationContext context) {
                BsonDocument cursor = context.source().run("sales", BsonDocument.parse("{listCollections: 1}")).getDocument("cursor");
                assertThat(cursor.getNumber("id").longValue()).isZero();
                seen.add(cursor.getArray("firstBatch").stream().map(d -> d.asDocument().getString("name").getValue()).toList());
                return List.of();
            }
        };
    }

    private static Validator failing(String name, boolean canFindErrors) {
        return new Validator() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<ValidationFinding> validate(ValidationContext context) {
                throw new IllegalStateException("refused");
            }

            @Override
            public boolean canFindErrors() {
                return canFindErrors;
            }
        };
    }

    /** A check that never finishes on its own: it waits until it is interrupted. */
    private static Validator blocking(String name) {
        return new Validator() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<ValidationFinding> validate(ValidationContext context) {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }
        };
    }

    private static List<String> run(MigrationSpec spec, List<Validator> validators) {
        return Validation.run(context(spec, (db, c) -> new BsonDocument()), validators, Duration.ofSeconds(2), List.of()).findings()
                .stream().map(f -> f.severity() + " " + f.code()).toList();
    }

    private static MigrationSpec spec() {
        return MigrationSpec.builder().source("mongodb://src:27017").destination("mongodb://dst:27017").build();
    }

    private static ValidationContext context(MigrationSpec spec, CommandRunner runner) {
        return new ValidationContext() {
            @Override
            public MigrationSpec spec() {
                return spec;
            }

            @Override
            public CommandRunner source() {
                return runner;
            }

            @Override
            public CommandRunner destination() {
                return runner;
            }
        };
    }
}
