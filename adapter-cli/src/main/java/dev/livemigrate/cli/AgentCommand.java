package dev.livemigrate.cli;

import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.rest.AgentSettings;
import dev.livemigrate.rest.MigrationAgent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code livemigrate agent}: runs this machine as a migration host of push migrations ({@link MigrationAgent}) until
 * the process is stopped (Ctrl-C, SIGTERM: every migration here stops, resumable by id) or the control plane refuses
 * it (token revoked, replaced or expired, address off the access list, another agent of this name), which exits with
 * that code. Secrets are never printed; give them as {@code @FILE} (picocli reads the file in place of the argument,
 * so they stay off the process list) or in an environment variable: the link-token ({@code --link-token}, else
 * {@value #TOKEN_VARIABLE}) and the Ops Manager private key ({@code --ops-manager-private-key}, else
 * {@value #PRIVATE_KEY_VARIABLE}).
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Runs this machine as the migration host of push migrations, beside the source: it calls the control",
                "plane named by the link-token (never the other way), reports the Ops Manager projects' clusters, and runs",
                "the migrations the control plane assigns to it, pushing the data to the destination."})
final class AgentCommand implements Callable<Integer> {

    static final String TOKEN_VARIABLE = "LIVEMIGRATE_LINK_TOKEN";
    static final String PRIVATE_KEY_VARIABLE = "LIVEMIGRATE_OPS_MANAGER_PRIVATE_KEY";

    @Option(names = "--link-token", paramLabel = "TOKEN|@FILE", description = "The organization's link-token, or @FILE holding it"
            + " (default: the variable " + TOKEN_VARIABLE + ").")
    String linkToken;
    @Option(names = "--name", paramLabel = "HOST", description = "This migration host's name, as operators pick it (default: the"
            + " machine's host name).")
    String name;
    @Option(names = "--ops-manager-url", required = true, paramLabel = "URL",
            description = "Ops Manager's address, or https://cloud.mongodb.com for Cloud Manager.")
    String opsManagerUrl;
    @Option(names = "--ops-manager-public-key", required = true, paramLabel = "KEY", description = "The programmatic API key's public key.")
    String publicKey;
    @Option(names = "--ops-manager-private-key", paramLabel = "@FILE", description = "The API key's private key: @FILE, a file"
            + " holding it (default: the variable " + PRIVATE_KEY_VARIABLE + ").")
    String privateKey;
    @Option(names = "--project", required = true, arity = "1..*", paramLabel = "PROJECT-ID",
            description = "An Ops Manager project whose clusters this host reports and migrates (repeatable).")
    List<String> projects;
    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "2s", converter = DurationText.class,
            description = "How often to send progress while a migration runs (default ${DEFAULT-VALUE}); work comes at once"
                    + " through a long poll the control plane holds up to 25 s.")
    Duration pollInterval;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        AgentSettings.Builder builder = AgentSettings.builder()
                .linkToken(secret("--link-token", linkToken, TOKEN_VARIABLE))
                .name(name != null ? name : hostName())
                .opsManager(opsManagerUrl, publicKey, secret("--ops-manager-private-key", privateKey, PRIVATE_KEY_VARIABLE))
                .pollInterval(pollInterval);
        projects.forEach(builder::project);
        AgentSettings settings = builder.build();
        MigrationAgent agent = MigrationAgent.start(settings);
        AtomicBoolean closing = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            closing.set(true);
            agent.close();
            out.println("stopped: the migrations on this host resume by id when the agent starts again");
            out.flush();
        }, "livemigrate-agent-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("migration host " + settings.name() + " connected to " + agent.controlPlane() + " (organization " + agent.org()
                + "), reporting projects " + projects);
        out.flush();
        MigrationException refused = agent.awaitStop(Duration.ofDays(36_500));
        if (!closing.get()) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        if (refused != null) {
            throw refused;
        }
        return 0;
    }

    /** A secret from the option (picocli puts the words of {@code @FILE} in its place), else from the variable. */
    private static String secret(String option, String value, String variable) {
        String secret = value != null ? value : System.getenv(variable);
        if (secret == null || secret.isBlank()) {
            throw new MigrationException(ErrorCode.INVALID_SPEC, "no " + option.substring(2).replace('-', ' ') + " given: pass "
                    + option + " @FILE (a file holding it), or set " + variable);
        }
        return secret.strip();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "migration-host";
        }
    }
}
