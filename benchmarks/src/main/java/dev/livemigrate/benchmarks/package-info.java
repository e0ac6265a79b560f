/**
 * JMH benchmarks of the copy and apply paths (see the benchmarks issue).
 */
package dev.livemigrate.benchmarks;
