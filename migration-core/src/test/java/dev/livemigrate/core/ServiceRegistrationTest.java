package dev.livemigrate.core;

import dev.livemigrate.Migrations;
import dev.livemigrate.SourceSettings;
import dev.livemigrate.core.source.SelfManagedSourceProvider;
import dev.livemigrate.spi.SourceProvider;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceRegistrationTest {

    @Test
    void theApiFindsTheEngine() {
        assertThat(Migrations.engine()).isInstanceOf(DefaultMigrationEngine.class);
    }

    @Test
    void theSelfManagedProviderIsRegistered() {
        assertThat(ServiceLoader.load(SourceProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(SelfManagedSourceProvider.class);
        assertThat(new SelfManagedSourceProvider().name()).isEqualTo(SourceSettings.SELF_MANAGED);
    }

    @Test
    void theSelfManagedProviderDescribesItsSourceWithoutThePassword() {
        var source = new SelfManagedSourceProvider().open(SourceSettings.selfManaged("mongodb://u:topsecret@h1:27017,h2:27018/?replicaSet=rs"));
        assertThat(source.description()).isEqualTo("mongodb://u:<hidden>@h1:27017,h2:27018/?replicaSet=rs");
        assertThat(source.clientSettings().getClusterSettings().getHosts()).hasSize(2);
    }
}
