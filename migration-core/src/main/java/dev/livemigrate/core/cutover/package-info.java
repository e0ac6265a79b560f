/**
 * Engine internals (the cutover window and the cutover itself). Private API: no compatibility guarantees.
 */
package dev.livemigrate.core.cutover;
