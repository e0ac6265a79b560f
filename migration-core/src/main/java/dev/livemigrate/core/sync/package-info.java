/**
 * Engine internals (change capture and apply). Private API: no compatibility guarantees.
 */
package dev.livemigrate.core.sync;
