package io.greening.agent;

/**
 * The green thread dump on demand, as the JMX MBean {@code io.greening:type=GreenThreads} (jconsole, VisualVM, or
 * any JMX client).
 */
public interface GreenThreadsMXBean {
    /** One line per live green thread (spawned, or made by code the agent greened): name, kind, state and what it waits on. */
    String dump();

    /** How many green threads are alive. */
    int getLiveCount();
}
