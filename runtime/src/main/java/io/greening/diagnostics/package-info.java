/**
 * What greening tells about its green threads, whoever made them (the API or code the agent greened):
 * {@link io.greening.diagnostics.StallMonitor} reports a green thread that keeps its hub's carrier too long,
 * {@link io.greening.diagnostics.DeadlockReport} the wait-for cycles among a hub's blocked green threads, and
 * {@link io.greening.diagnostics.ThreadDump} every live green thread and what it waits on.
 */
package io.greening.diagnostics;
