package io.greening.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(60)
class WsgiHelloWorldExampleTest {

    @Test
    void servesHelloWorldAsTheEventletWsgiExampleDoes() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WsgiHelloWorldExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("200\ncontent-type: text/plain\nHello, World!\r\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }
}
