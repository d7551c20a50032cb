package io.greening.itests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check the integration tests rely on finds a class the JVM's verifier would reject. */
class ClassDumpTest {
    @TempDir
    Path classes;

    @Test
    void verifyAllReportsAMethodThatPopsAnEmptyStack() throws Exception {
        Files.createDirectories(classes.resolve("com/acme"));
        Files.write(classes.resolve("com/acme/Good.class"), classWith(false));
        Files.write(classes.resolve("com/acme/Bad.class"), classWith(true));

        Map<String, String> complaints = ClassDump.verifyAll(classes, classes);

        assertEquals(1, complaints.size(), complaints::toString);
        assertTrue(complaints.containsKey(Path.of("com/acme/Bad.class").toString()), complaints::toString);
    }

    private static byte[] classWith(boolean broken) {
        String name = broken ? "com/acme/Bad" : "com/acme/Good";
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V25, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f", "()V", null, null);
        method.visitCode();
        if (broken) {
            method.visitInsn(Opcodes.POP);
        }
        method.visitInsn(Opcodes.RETURN);
        method.visitMaxs(1, 0);
        method.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }
}
