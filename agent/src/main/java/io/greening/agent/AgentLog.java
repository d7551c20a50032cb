package io.greening.agent;

/**
 * The agent's {@link System.Logger} ({@code io.greening.agent}), created on first use: for a class of the application
 * class loader, as the agent's are, {@link System#getLogger} finds and sets up the logging backend at once, which would
 * cost a start-up that logs nothing about as much as the rest of the agent.
 */
final class AgentLog {
    private AgentLog() {}

    /** The logger, created on the first call. */
    static System.Logger get() {
        return Holder.LOG;
    }

    private static final class Holder {
        static final System.Logger LOG = System.getLogger("io.greening.agent");
    }
}
