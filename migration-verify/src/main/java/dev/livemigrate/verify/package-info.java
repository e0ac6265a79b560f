/**
 * Built-in verifiers (see the verification issue). Private API: no compatibility guarantees.
 */
package dev.livemigrate.verify;
