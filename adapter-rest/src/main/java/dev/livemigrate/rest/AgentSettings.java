package dev.livemigrate.rest;

import dev.livemigrate.Secrets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link MigrationAgent} runs: the organization's link-token (which carries the control plane's address), the
 * host's name, the Ops Manager / Cloud Manager it reads projects from ({@code baseUrl}, the API key, the projects to
 * report), how often it polls and how often it reads the projects again. Immutable; {@link #toString()} hides the
 * link-token and the private key.
 */
public final class AgentSettings {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(5);
    /** How long the control plane may hold the agent's long poll: {@link AgentRoutes#MAX_WAIT_SECONDS}. */
    public static final Duration DEFAULT_LONG_POLL = Duration.ofSeconds(AgentRoutes.MAX_WAIT_SECONDS);

    private final String linkToken;
    private final String name;
    private final String opsManagerUrl;
    private final String publicKey;
    private final String privateKey;
    private final List<String> projects;
    private final Duration pollInterval;
    private final Duration refreshInterval;
    private final Duration longPoll;

    private AgentSettings(Builder b) {
        this.linkToken = Objects.requireNonNull(b.linkToken, "linkToken");
        this.name = Objects.requireNonNull(b.name, "name");
        this.opsManagerUrl = Objects.requireNonNull(b.opsManagerUrl, "opsManagerUrl");
        this.publicKey = Objects.requireNonNull(b.publicKey, "publicKey");
        this.privateKey = Objects.requireNonNull(b.privateKey, "privateKey");
        this.projects = List.copyOf(b.projects);
        this.pollInterval = b.pollInterval;
        this.refreshInterval = b.refreshInterval;
        this.longPoll = b.longPoll;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String linkToken() {
        return linkToken;
    }

    /** The host's name, as operators pick it for a push migration ({@code source.migrationHost}). */
    public String name() {
        return name;
    }

    public String opsManagerUrl() {
        return opsManagerUrl;
    }

    public String publicKey() {
        return publicKey;
    }

    public String privateKey() {
        return privateKey;
    }

    /** The Ops Manager project ids whose clusters the agent reports and can migrate. */
    public List<String> projects() {
        return projects;
    }

    /** How often the agent sends its migrations' progress while one runs (and calls, when it does not long-poll). */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** How long each long poll may be held by the control plane; zero: no long poll, a poll every poll interval. */
    public Duration longPoll() {
        return longPoll;
    }

    public Duration refreshInterval() {
        return refreshInterval;
    }

    @Override
    public String toString() {
        return "AgentSettings{linkToken=" + Secrets.HIDDEN + ", name=" + name + ", opsManagerUrl=" + opsManagerUrl + ", publicKey="
                + publicKey + ", privateKey=" + Secrets.HIDDEN + ", projects=" + projects + ", pollInterval=" + pollInterval
                + ", refreshInterval=" + refreshInterval + ", longPoll=" + longPoll + "}";
    }

    /** Builds {@link AgentSettings}. */
    public static final class Builder {
        private String linkToken;
        private String name;
        private String opsManagerUrl;
        private String publicKey;
        private String privateKey;
        private final List<String> projects = new ArrayList<>();
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private Duration longPoll = DEFAULT_LONG_POLL;

        private Builder() {
        }

        public Builder linkToken(String linkToken) {
            this.linkToken = linkToken;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Ops Manager's address and a programmatic API key with a role in each project. */
        public Builder opsManager(String url, String publicKey, String privateKey) {
            this.opsManagerUrl = url;
            this.publicKey = publicKey;
            this.privateKey = privateKey;
            return this;
        }

        public Builder project(String projectId) {
            projects.add(Objects.requireNonNull(projectId, "projectId"));
            return this;
        }

        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        public Builder refreshInterval(Duration refreshInterval) {
            this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
            return this;
        }

        /** At most {@link AgentRoutes#MAX_WAIT_SECONDS} (the control plane holds no longer); zero turns long polls off. */
        public Builder longPoll(Duration longPoll) {
            if (longPoll.isNegative() || longPoll.compareTo(DEFAULT_LONG_POLL) > 0) {
                throw new IllegalArgumentException("longPoll must be between 0 and " + DEFAULT_LONG_POLL + ", not " + longPoll);
            }
            this.longPoll = longPoll;
            return this;
        }

        public AgentSettings build() {
            return new AgentSettings(this);
        }
    }
}
