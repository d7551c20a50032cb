package io.greening.agent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GreeningAgentTest {

    /**
     * The start loads these classes on a second thread before the runtime is in the boot loader: each must be there,
     * and loading it must load no runtime or ASM class (its supertypes), which would then come from the wrong loader or
     * not at all.
     */
    @Test
    void thePreloadedClassesExistAndHaveOnlyJdkOrAgentSupertypes() throws ClassNotFoundException {
        List<String> problems = new ArrayList<>();
        for (String name : GreeningAgent.SetUpThread.CLASSES) {
            Class<?> c = Class.forName("io.greening.agent." + name, false, GreeningAgent.class.getClassLoader());
            List<Class<?>> supertypes = new ArrayList<>(List.of(c.getInterfaces()));
            if (c.getSuperclass() != null) {
                supertypes.add(c.getSuperclass());
            }
            for (Class<?> supertype : supertypes) {
                String n = supertype.getName();
                if (n.startsWith("io.greening.") && !n.startsWith("io.greening.agent.") || n.startsWith("org.objectweb.")
                        || n.startsWith("io.greening.agent.shaded.")) {
                    problems.add(name + " extends " + n);
                }
            }
        }
        assertEquals(List.of(), problems);
    }
}
