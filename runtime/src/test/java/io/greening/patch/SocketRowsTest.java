package io.greening.patch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The rows that docs/sockets.md gives the agent's rewrite table: each names a public static method here whose
 * descriptor is the JDK call's with the receiver first (a constructor row: the constructor's arguments, returning
 * the owner type), and whose return type the JDK call site can use.
 */
class SocketRowsTest {
    private static final Pattern CONSTRUCTOR =
            Pattern.compile("constructor\\(SOCKETS, \"([^\"]+)\", \"([^\"]+)\", \"(\\w+)#(\\w+)\"\\)");
    private static final Pattern CALL =
            Pattern.compile("call\\(SOCKETS, (INVOKE\\w+), \"([^\"]+)\", \"([^\"]+)\", \"([^\"]+)\", \"(\\w+)#(\\w+)\"\\)");

    @Test
    void everyDocumentedRowHasItsPatchMethod() throws Exception {
        String docs = Files.readString(docsFile());
        List<String> checked = new ArrayList<>();
        Matcher constructors = CONSTRUCTOR.matcher(docs);
        while (constructors.find()) {
            String owner = constructors.group(1);
            MethodType jdk = MethodType.fromMethodDescriptorString(constructors.group(2), null);
            MethodType expected = jdk.changeReturnType(Class.forName(owner.replace('/', '.')));
            assertPatchMethod(constructors.group(3), constructors.group(4), expected);
            checked.add(owner + ".<init>" + constructors.group(2));
        }
        Matcher calls = CALL.matcher(docs);
        while (calls.find()) {
            String opcode = calls.group(1);
            Class<?> owner = Class.forName(calls.group(2).replace('/', '.'));
            MethodType jdk = MethodType.fromMethodDescriptorString(calls.group(4), null);
            Method jdkMethod = owner.getMethod(calls.group(3), jdk.parameterArray());
            assertEquals(jdk.returnType(), jdkMethod.getReturnType());
            assertEquals(opcode.equals("INVOKESTATIC"), Modifier.isStatic(jdkMethod.getModifiers()), opcode + " " + jdkMethod);
            MethodType expected = opcode.equals("INVOKESTATIC") ? jdk : jdk.insertParameterTypes(0, owner);
            assertPatchMethod(calls.group(5), calls.group(6), expected);
            checked.add(owner.getName() + "." + calls.group(3) + calls.group(4));
        }
        assertEquals(21, checked.size(), "rows found: " + checked);
    }

    private static void assertPatchMethod(String patchClass, String name, MethodType expected) throws Exception {
        Class<?> patch = Class.forName("io.greening.patch." + patchClass);
        Method method = patch.getMethod(name, expected.parameterArray());
        assertTrue(Modifier.isStatic(method.getModifiers()) && Modifier.isPublic(method.getModifiers()), method.toString());
        assertEquals(expected.returnType(), method.getReturnType(), method.toString());
    }

    private static Path docsFile() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs/sockets.md");
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IOException("docs/sockets.md not found above " + Path.of("").toAbsolutePath());
    }
}
