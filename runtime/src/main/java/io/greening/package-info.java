/**
 * Green threads for the JVM, the API: {@link io.greening.Green} (run, spawn, sleep, cede, offload),
 * {@link io.greening.GreenThread}, the {@link io.greening.Hub} event loop that schedules them, its
 * {@link io.greening.HubOptions}, {@link io.greening.Timeout} and the exceptions raised at blocking points.
 * Synchronization primitives are in {@link io.greening.sync}, servers in {@link io.greening.net}, the stall monitor,
 * deadlock reports and the thread dump in {@link io.greening.diagnostics}.
 */
package io.greening;
