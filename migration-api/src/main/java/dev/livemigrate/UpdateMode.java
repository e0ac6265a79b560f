package dev.livemigrate;

/**
 * How update events are applied to the destination.
 *
 * @since 0.1
 */
public enum UpdateMode {
    /** {@link #DIFF} where the source's update events can be trusted, {@link #FULL_DOCUMENT} elsewhere. */
    AUTO,
    /**
     * Apply the absolute field values of each event's {@code updateDescription} (updated and removed
     * fields, truncated arrays). Smallest events; ambiguous paths fall back to reading the document.
     */
    DIFF,
    /** Replace the document with the one the source looks up for each update ({@code updateLookup}). */
    FULL_DOCUMENT
}
