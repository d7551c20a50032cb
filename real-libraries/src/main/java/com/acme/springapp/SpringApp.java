package com.acme.springapp;

import com.acme.backend.Backend;
import com.acme.tomcatapp.TomcatApp;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;

/**
 * A plain Spring MVC 7 app (no Boot) in embedded Tomcat 11: a {@link DispatcherServlet} over an annotation-configured
 * context ({@link WebConfig}: {@code @EnableWebMvc}, a CGLIB-enhanced {@code @Configuration}, class-path scanning of
 * {@code com.acme.springapp.web}) routes {@code GET /work?n=<n>} to an annotated {@code @RestController} that sleeps
 * 10 ms, calls a downstream HTTP service ({@link Backend}, platform threads, same JVM) and answers
 * {@code work <n> <downstream body>}; {@code GET /shutdown} stops it. Nothing in it knows about greening.
 *
 * <p>Usage: {@code SpringApp <port, 0 = any> <maxThreads> [downstreamThreads, default 32]}. Prints
 * {@code spring: listening port=<p>} once serving, and at the end
 * {@code spring: served=S downstream-failures=F peak-platform-threads=P}.
 */
public final class SpringApp {
    private SpringApp() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int maxThreads = Integer.parseInt(args[1]);
        int downstreamThreads = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        try (Backend downstream = Backend.start(downstreamThreads)) {
            WorkState state = new WorkState("http://127.0.0.1:" + downstream.port());
            AnnotationConfigWebApplicationContext spring = new AnnotationConfigWebApplicationContext();
            spring.register(WebConfig.class);
            spring.addBeanFactoryPostProcessor(factory -> factory.registerSingleton("workState", state));

            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(Files.createTempDirectory("spring-app").toString());
            Connector connector = TomcatApp.connector(port, maxThreads);
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", null);
            // loaded at start, as a deployed web app's DispatcherServlet usually is: the context refreshes then
            Wrapper dispatcher = Tomcat.addServlet(context, "dispatcher", new DispatcherServlet(spring));
            dispatcher.setLoadOnStartup(1);
            context.addServletMapping("/", "dispatcher");
            tomcat.start();
            System.out.println("spring: listening port=" + connector.getLocalPort());
            state.awaitShutdown();
            tomcat.stop();
            tomcat.destroy();
            System.out.println("spring: served=" + state.served() + " downstream-failures="
                    + state.downstreamFailures() + " peak-platform-threads="
                    + ManagementFactory.getThreadMXBean().getPeakThreadCount());
        }
    }
}
