package io.greening.agent;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

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

    /** The hand-written glob match agrees with the regular expression the selector used to compile each glob to. */
    @Test
    void globsMatchAsTheirRegularExpressions() {
        List<String> globs = List.of("com.acme.**", "com.acme.*", "com.*.App", "**", "*", "com.acme.App", "**.App",
                "com.**.App", "Native*", "com.acme.legacy.Native*", "a*b*c", "com.acme.*.*", "**$1", "x.**.y.*");
        List<String> names = List.of("com.acme.App", "com.acme.App$1", "com.acme.AppX", "com.acme.deep.App", "com.acmeApp",
                "com.x.App", "com.x.y.App", "App", "NativeIo", "Native.Io", "com.acme.legacy.NativeIo", "abc", "a.b.c",
                "aXbYc", "abcd", "com.acme.a.b", "com.acme.a.b.c", "x.y.z", "x.q.y.z", "x.q.y.z.w", "com.acme.App$Inner$2", "");
        for (String glob : globs) {
            Pattern regex = regex(glob);
            for (String name : names) {
                assertEquals(regex.matcher(name).matches(), ClassSelector.matches(glob, name), glob + " on " + name);
            }
        }
    }

    /** The selector's former glob compilation, kept here as the reference. */
    private static Pattern regex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i++;
                } else {
                    regex.append("[^.]*");
                }
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (!glob.endsWith("*")) {
            regex.append("(\\$.*)?");
        }
        return Pattern.compile(regex.toString());
    }
}
