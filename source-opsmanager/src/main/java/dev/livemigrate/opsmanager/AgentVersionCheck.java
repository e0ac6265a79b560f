package dev.livemigrate.opsmanager;

import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The {@code ops-manager} source's check of the MongoDB Agent that automation runs on the cluster: live migration from
 * Ops Manager needs 12.0.11.7606 or later, from Cloud Manager 12.5.0.7713 or later; an older agent is a WARNING
 * ({@value #CODE}), which does not block the start. A cluster automation does not manage has no agent version to
 * check, and gets no finding. Contributed by the source ({@link dev.livemigrate.spi.Source#validators()}), not
 * discovered: it needs what the provider read from Ops Manager.
 */
final class AgentVersionCheck implements Validator {

    static final String CODE = "OPS_MANAGER_AGENT_OUTDATED";
    static final String OPS_MANAGER_MINIMUM = "12.0.11.7606";
    static final String CLOUD_MANAGER_MINIMUM = "12.5.0.7713";

    private final String cluster;
    private final String agentVersion;
    private final boolean cloudManager;

    /** @param agentVersion the automation configuration's {@code agentVersion.name}, {@code null} when not managed */
    AgentVersionCheck(String cluster, String agentVersion, boolean cloudManager) {
        this.cluster = cluster;
        this.agentVersion = agentVersion;
        this.cloudManager = cloudManager;
    }

    /** Whether the API's address is Cloud Manager's ({@code cloud.mongodb.com}, {@code cloud.mongodbgov.com}) rather than an Ops Manager. */
    static boolean isCloudManager(URI baseUrl) {
        String host = baseUrl.getHost().toLowerCase(Locale.ROOT);
        return host.equals("cloud.mongodb.com") || host.equals("cloud.mongodbgov.com");
    }

    @Override
    public String name() {
        return "ops-manager-agent-version";
    }

    @Override
    public boolean canFindErrors() {
        return false;
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        String minimum = cloudManager ? CLOUD_MANAGER_MINIMUM : OPS_MANAGER_MINIMUM;
        if (agentVersion == null || compare(agentVersion, minimum) >= 0) {
            return List.of();
        }
        String product = cloudManager ? "Cloud Manager" : "Ops Manager";
        return List.of(ValidationFinding.warning(CODE, "the MongoDB Agent managing cluster '" + cluster + "' is " + agentVersion
                + ", older than " + minimum + ", the oldest " + product + " supports for live migration",
                "upgrade the MongoDB Agent (" + product + ": Deployment, Agents) to " + minimum + " or later before migrating"));
    }

    /** Compares dotted versions number by number ({@code 12.0.10.7591-1} < {@code 12.0.11.7606}); a build suffix after '-' is ignored. */
    static int compare(String a, String b) {
        String[] x = a.split("-", 2)[0].split("\\.");
        String[] y = b.split("-", 2)[0].split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? number(x[i]) : 0;
            long q = i < y.length ? number(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static long number(String part) {
        try {
            return Long.parseLong(part.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
