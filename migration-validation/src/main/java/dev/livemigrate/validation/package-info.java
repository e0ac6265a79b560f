/**
 * Built-in pre-flight validators (see the validation issue). Private API: no compatibility guarantees.
 */
package dev.livemigrate.validation;
