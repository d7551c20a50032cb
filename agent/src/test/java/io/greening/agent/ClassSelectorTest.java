package io.greening.agent;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClassSelectorTest {
    @Test
    void packageTreeOnePackageAndClassName() {
        ClassSelector s = new ClassSelector(List.of("com.acme.**", "org.one.*", "net.x.Main"), List.of("com.acme.legacy.Native*"));
        assertTrue(s.selects("com.acme.App"));
        assertTrue(s.selects("com.acme.deep.er.App$1"));
        assertFalse(s.selects("com.acmex.App"));
        assertTrue(s.selects("org.one.A"));
        assertFalse(s.selects("org.one.two.A"));
        assertTrue(s.selects("net.x.Main"));
        assertTrue(s.selects("net.x.Main$Inner"), "a class name covers its nested classes");
        assertFalse(s.selects("net.x.MainOther"));
        assertFalse(s.selects("com.acme.legacy.NativeIo"), "excluded");
        assertTrue(s.selects("com.acme.legacy.Plain"));
    }

    @Test
    void greeningAndTheJdkAreNeverSelected() {
        ClassSelector s = new ClassSelector(List.of("**"), List.of());
        assertTrue(s.selects("com.acme.App"));
        assertFalse(s.selects("io.greening.Hub"));
        assertFalse(s.selects("java.lang.Thread"));
        assertFalse(s.selects("jdk.internal.misc.Unsafe"));
        assertFalse(s.selects("sun.nio.ch.Poller"));
        assertFalse(s.selects(null));
    }

    @Test
    void includesThatSelectedNoClassAreKnown() {
        ClassSelector s = new ClassSelector(List.of("com.acme.**", "com.acme.app.*", "com.acmee.**", "org.lib.**", "java.**"),
                List.of("org.lib.**"));
        assertEquals(List.of("com.acme.**", "com.acme.app.*", "com.acmee.**", "org.lib.**", "java.**"),
                s.includesThatSelectedNothing());
        s.selects("com.acme.app.Main");
        s.selects("org.lib.Util");
        s.selects("java.lang.Thread");
        assertEquals(List.of("com.acmee.**", "org.lib.**", "java.**"), s.includesThatSelectedNothing(),
                "overlapping includes both count; an include whose classes are all excluded, or off limits, selected nothing");
    }
}
