package io.greening.agent;

import java.lang.instrument.Instrumentation;

/** The {@code -javaagent} entry point. The call-site rewriting arrives with the agent issue. */
public final class GreeningAgent {
    private GreeningAgent() {}

    /** Called by the JVM before {@code main} for {@code -javaagent:greening.jar=...}. */
    public static void premain(String options, Instrumentation instrumentation) {
        System.getLogger("io.greening.agent").log(System.Logger.Level.DEBUG, "greening agent loaded: {0}", options);
    }

    /** Called by the JVM on dynamic attach. */
    public static void agentmain(String options, Instrumentation instrumentation) {
        premain(options, instrumentation);
    }
}
