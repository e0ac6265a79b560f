package dev.livemigrate.core;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import dev.livemigrate.SourceSettings;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.Source;
import dev.livemigrate.spi.SourceProvider;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;

import java.util.List;

/**
 * A provider of the kind a link-token is: it carries an access list (property {@code accessList}, comma
 * separated) and brings its own check, which reports the access list the engine hands the validators.
 * Registered only for migration-core's own tests (src/test/plugins, see the POM), so it stays out of the test jar
 * that other modules use.
 */
public final class AccessListSourceProvider implements SourceProvider {

    static final String KIND = "test-access-list";

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public Source open(SourceSettings settings) {
        MongoClientSettings client = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(settings.connectionString().orElseThrow())).build();
        List<String> accessList = List.of(settings.properties().getOrDefault("accessList", "").split(","));
        return new Source() {
            @Override
            public MongoClientSettings clientSettings() {
                return client;
            }

            @Override
            public String description() {
                return "test source";
            }

            @Override
            public List<String> accessList() {
                return accessList;
            }

            @Override
            public List<Validator> validators() {
                return List.of(new Validator() {
                    @Override
                    public String name() {
                        return "provider-check";
                    }

                    @Override
                    public List<ValidationFinding> validate(ValidationContext context) {
                        return List.of(ValidationFinding.warning("TEST_PROVIDER_CHECK", "the access list the checks see: "
                                + String.join(" ", context.sourceAccessList()), "none"));
                    }
                });
            }
        };
    }
}
