/**
 * The {@code ops-manager} source provider: a source named by its Ops Manager or Cloud Manager project and cluster,
 * resolved through the public API. Private API: no compatibility guarantees; use it through
 * {@link dev.livemigrate.SourceSettings} with kind {@code ops-manager}.
 */
package dev.livemigrate.opsmanager;
