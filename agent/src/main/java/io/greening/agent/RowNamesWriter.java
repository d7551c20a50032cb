package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The build's side of {@link RowNames}, run by Maven in {@code process-classes} after the compiler: writes the table's
 * call method names and constructed classes ({@link Rewrites#ALL}) into {@code RowNames.class} as the constants its
 * {@code calledNames()} and {@code constructedNames()} return, so that the table stays the one place they are written
 * and the agent's start reads them without building the table.
 */
final class RowNamesWriter {
    static final String CALLED_METHOD = "calledNames";
    static final String CONSTRUCTED_METHOD = "constructedNames";

    private RowNamesWriter() {}

    /** {@code <agent classes dir>}; bad arguments: one line and exit code 2. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RowNamesWriter <agent classes dir>");
            System.exit(2);
        }
        Path classFile = Path.of(args[0], RowNames.class.getName().replace('.', '/') + ".class");
        Files.write(classFile, withNames(Files.readAllBytes(classFile)));
    }

    /** The call method names of the table's rows, space-separated, sorted. */
    static String calledNames() {
        return names(Rewrites.Kind.CALL);
    }

    /** The owners of the table's constructor rows, space-separated, sorted. */
    static String constructedNames() {
        return names(Rewrites.Kind.CONSTRUCTOR);
    }

    /** Per row of {@code kind}, its method name (a call) or owner (a constructor): space-separated, sorted, once each. */
    private static String names(Rewrites.Kind kind) {
        Set<String> names = new TreeSet<>();
        for (Rewrite row : Rewrites.ALL) {
            if (row.kind() == kind) {
                names.add(kind == Rewrites.Kind.CONSTRUCTOR ? row.owner() : row.name());
            }
        }
        return String.join(" ", names);
    }

    /** {@code RowNames}' class file with the bodies of its two name methods replaced by the table's names. */
    static byte[] withNames(byte[] rowNames) {
        String called = calledNames();
        String constructed = constructedNames();
        ClassReader reader = new ClassReader(rowNames);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        int[] replaced = {0};
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor target = super.visitMethod(access, name, descriptor, signature, exceptions);
                boolean isCalled = name.equals(CALLED_METHOD);
                if (!isCalled && !name.equals(CONSTRUCTED_METHOD)) {
                    return target;
                }
                if (!descriptor.equals("()Ljava/lang/String;") || (access & Opcodes.ACC_STATIC) == 0) {
                    throw new IllegalStateException("RowNames." + name + descriptor + " is not a static String method");
                }
                replaced[0]++;
                target.visitCode();
                target.visitLdcInsn(isCalled ? called : constructed);
                target.visitInsn(Opcodes.ARETURN);
                target.visitMaxs(0, 0);
                target.visitEnd();
                return null;   // the compiled body (return null) is dropped
            }
        }, 0);
        if (replaced[0] != 2) {
            throw new IllegalStateException("RowNames has " + replaced[0] + " of its two name methods");
        }
        return writer.toByteArray();
    }
}
