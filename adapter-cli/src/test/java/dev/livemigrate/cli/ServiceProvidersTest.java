package dev.livemigrate.cli;

import dev.livemigrate.spi.MigrationEngine;
import dev.livemigrate.spi.SourceProvider;
import dev.livemigrate.spi.Validator;
import dev.livemigrate.spi.Verifier;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI's tests, and the processes they start on the same class path, see the plugins a user's installation
 * has and no test double: migration-core's test jar (where the embedded-server fixtures live) registers none.
 */
class ServiceProvidersTest {

    @Test
    void onlyTheRealProvidersAreFound() {
        assertThat(types(MigrationEngine.class)).containsExactly("dev.livemigrate.core.DefaultMigrationEngine");
        assertThat(types(SourceProvider.class)).containsExactlyInAnyOrder("dev.livemigrate.core.source.SelfManagedSourceProvider",
                "dev.livemigrate.opsmanager.OpsManagerSourceProvider");
        assertThat(types(Validator.class)).containsExactlyInAnyOrder(
                "dev.livemigrate.validation.AccessListValidator",
                "dev.livemigrate.validation.BalancerValidator",
                "dev.livemigrate.validation.CollectionKindsValidator",
                "dev.livemigrate.validation.DiskSpaceValidator",
                "dev.livemigrate.validation.OplogWindowValidator",
                "dev.livemigrate.validation.PrivilegesValidator",
                "dev.livemigrate.validation.ShardKeysValidator",
                "dev.livemigrate.validation.ShardVersionsValidator",
                "dev.livemigrate.validation.SourceUserMechanismsValidator",
                "dev.livemigrate.validation.TopologyValidator",
                "dev.livemigrate.validation.VersionValidator");
        assertThat(types(Verifier.class)).containsExactlyInAnyOrder(
                "dev.livemigrate.verify.CountVerifier",
                "dev.livemigrate.verify.HashVerifier",
                "dev.livemigrate.verify.IndexOptionsVerifier");
    }

    @Test
    void noServicesFileComesFromMigrationCoresTests() throws IOException {
        for (Class<?> service : List.of(MigrationEngine.class, SourceProvider.class, Validator.class, Verifier.class)) {
            List<URL> files = Collections.list(ClassLoader.getSystemClassLoader().getResources("META-INF/services/" + service.getName()));
            assertThat(files).as(service.getSimpleName()).isNotEmpty()
                    .noneMatch(u -> u.toString().contains("test-classes") || u.toString().contains("-tests.jar"));
        }
    }

    private static List<String> types(Class<?> service) {
        return ServiceLoader.load(service).stream().map(p -> p.type().getName()).toList();
    }
}
