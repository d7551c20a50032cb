/**
 * The methods the greening agent calls instead of blocking JDK calls. Each has the shape of the JDK call it replaces
 * (the receiver first for an instance method); on a green thread it yields to the hub, on any other thread it does
 * exactly what the JDK call does. The agent's rewrite table ({@code io.greening.agent.Rewrites}) maps each JDK call
 * site to one of these methods. Applications do not call them; {@link io.greening.patch.GreenSocket} and
 * {@link io.greening.patch.GreenServerSocket} may also be used directly, in place of {@code Socket} and
 * {@code ServerSocket}.
 */
package io.greening.patch;
