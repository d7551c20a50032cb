package io.greening.agent;

import java.nio.charset.StandardCharsets;

/**
 * What the pre-scan can tell without the table ({@link Rewrites}), which the start's set-up thread builds while the
 * application's first classes load: the method names of the call rows and the classes the constructor rows construct,
 * of every group (so a superset of the rows in force). A class whose constant pool names none of them, and that enters
 * no monitor while the monitor entry row is in force, has nothing to rewrite, and loads without waiting for the table
 * (a trivial {@code main} does). The names come from the table at build time ({@link RowNamesWriter} writes them into
 * this class file); a class file the build did not write them into says "may rewrite" for every class.
 */
final class RowNames {
    /** The method names of the {@link Rewrites.Kind#CALL} rows; null when the build did not write them. */
    static final String[] CALLED = words(calledNames());
    /** The owners of the {@link Rewrites.Kind#CONSTRUCTOR} rows (which match no subclass); null likewise. */
    static final String[] CONSTRUCTED = words(constructedNames());

    private static final byte[][][] CALLED_BY_LENGTH = CALLED == null ? null : byLength(CALLED);
    private static final byte[][][] CONSTRUCTED_BY_LENGTH = CONSTRUCTED == null ? null : byLength(CONSTRUCTED);

    private RowNames() {}

    /**
     * Whether a class may have something to rewrite: a method reference of one of {@link #CALLED}'s names, a
     * construction of one of {@link #CONSTRUCTED}, or, with {@code monitorEntries}, a synchronized method or a monitor
     * entry. May say yes for a class with nothing to rewrite, never no for one with something.
     */
    static boolean mayRewrite(byte[] classfile, boolean monitorEntries) {
        if (CALLED_BY_LENGTH == null || CONSTRUCTED_BY_LENGTH == null) {
            return true;   // a build that did not write the names: every selected class waits for the table
        }
        ClassFileIndex pool = new ClassFileIndex(classfile);
        for (int i = 1; i < pool.count(); i++) {
            int tag = pool.tag(i);
            if (tag == ClassFileIndex.METHODREF || tag == ClassFileIndex.INTERFACE_METHODREF) {
                int name = pool.operand(pool.operand(i, 1), 0);
                if (pool.utf8Equals(name, "<init>") ? pool.utf8In(pool.operand(pool.operand(i, 0), 0), CONSTRUCTED_BY_LENGTH)
                        : pool.utf8In(name, CALLED_BY_LENGTH)) {
                    return true;
                }
            }
        }
        if (!monitorEntries) {
            return false;
        }
        MonitorFinder monitors = new MonitorFinder();
        pool.visitMethods(monitors);
        return monitors.found;
    }

    /** Stops at the first synchronized method or monitor entry. */
    private static final class MonitorFinder extends ClassFileIndex.MethodVisitor {
        boolean found;

        @Override
        boolean method(int access) {
            found = (access & ClassFileIndex.ACC_SYNCHRONIZED) != 0;
            return !found;
        }

        @Override
        boolean instruction(int opcode, int at) {
            found = opcode == ClassFileIndex.MONITORENTER;
            return !found;
        }
    }

    /** The table's call method names, space-separated: this body is replaced at build time ({@link RowNamesWriter}). */
    private static String calledNames() {
        return null;
    }

    /** The table's constructed classes, space-separated: this body is replaced at build time ({@link RowNamesWriter}). */
    private static String constructedNames() {
        return null;
    }

    /** The space-separated words of {@code text}, or null for null. A plain loop: this runs before {@code main}. */
    private static String[] words(String text) {
        if (text == null) {
            return null;
        }
        int count = 1;
        for (int at = text.indexOf(' '); at >= 0; at = text.indexOf(' ', at + 1)) {
            count++;
        }
        String[] words = new String[count];
        int from = 0;
        for (int n = 0; n < count; n++) {
            int to = n == count - 1 ? text.length() : text.indexOf(' ', from);
            words[n] = text.substring(from, to);
            from = to + 1;
        }
        return words;
    }

    private static byte[][][] byLength(String[] names) {
        int longest = 0;
        for (String name : names) {
            longest = Math.max(longest, name.length());
        }
        int[] counts = new int[longest + 1];
        for (String name : names) {
            counts[name.length()]++;
        }
        byte[][][] byLength = new byte[longest + 1][][];
        for (int length = 0; length <= longest; length++) {
            byLength[length] = new byte[counts[length]][];
        }
        for (String name : names) {
            byLength[name.length()][--counts[name.length()]] = name.getBytes(StandardCharsets.US_ASCII);
        }
        return byLength;
    }
}
