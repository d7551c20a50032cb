/**
 * Stackless Python's tasklets and channels on greening's hub: {@link io.greening.stackless.Tasklet},
 * {@link io.greening.stackless.Channel} and the round-robin scheduler of {@link io.greening.stackless.Stackless}.
 */
package io.greening.stackless;
