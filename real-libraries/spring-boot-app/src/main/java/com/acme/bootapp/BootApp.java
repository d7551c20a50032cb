package com.acme.bootapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A plain Spring Boot 4 service, shipped as a Boot fat jar: {@code GET /work?n=<n>} ({@link WorkController}) sleeps,
 * reads {@code n} back from PostgreSQL through HikariCP and calls a downstream HTTP service; {@code GET /shutdown}
 * stops it. Nothing in it knows about greening.
 *
 * <p>Usage: {@code java -jar greening-spring-boot-app.jar --server.port=0
 * --spring.datasource.url=jdbc:postgresql://127.0.0.1:<p>/postgres --spring.datasource.username=<u>
 * --spring.datasource.password=<pw> --downstream.url=http://127.0.0.1:<p>}. Prints {@code boot: listening port=<p>}
 * once serving and, after the context is closed, {@code boot: served=S downstream-failures=F db-failures=D}; the JVM
 * then ends by itself, once Boot's and Tomcat's threads are gone.
 */
@SpringBootApplication
public class BootApp {
    public static void main(String[] args) throws InterruptedException {
        ConfigurableApplicationContext context = SpringApplication.run(BootApp.class, args);
        WorkStats stats = context.getBean(WorkStats.class);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        System.out.println("boot: listening port=" + port);
        stats.awaitShutdown();
        SpringApplication.exit(context);
        System.out.println("boot: served=" + stats.served() + " downstream-failures=" + stats.downstreamFailures()
                + " db-failures=" + stats.dbFailures());
    }
}
