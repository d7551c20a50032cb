package com.acme.springapp;

import com.acme.downstream.Downstream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

import java.io.IOException;

/**
 * The MVC configuration: a full {@code @Configuration} (Spring subclasses it with CGLIB so that {@code @Bean} methods
 * return the one singleton), {@code @EnableWebMvc}, and the controllers found by scanning the class path.
 */
@Configuration
@EnableWebMvc
@ComponentScan("com.acme.springapp.web")
public class WebConfig {
    /** The blocking downstream call, as a bean the controller gets injected. */
    @Bean
    public ItemClient itemClient(WorkState state) {
        return n -> Downstream.fetch(state.downstreamBase() + "/item/" + n);
    }

    /** Fetches {@code item-<n>} from the downstream service, blocking. */
    @FunctionalInterface
    public interface ItemClient {
        String item(String n) throws IOException;
    }
}
