package dev.livemigrate;

/**
 * What one verifier found.
 *
 * @param verifier the verifier's name
 * @param equal    whether the destination matched the source in what this verifier checks
 * @param summary  one line for people: what was compared and what differed
 * @since 0.1
 */
public record VerificationResult(String verifier, boolean equal, String summary) {
}
