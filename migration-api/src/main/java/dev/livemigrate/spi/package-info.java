/**
 * What plugin authors implement: {@link dev.livemigrate.spi.SourceProvider} for new kinds of source,
 * discovered through {@link java.util.ServiceLoader}. Evolves with default methods only.
 */
package dev.livemigrate.spi;
