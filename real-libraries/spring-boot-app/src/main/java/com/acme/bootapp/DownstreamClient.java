package com.acme.bootapp;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The downstream service's {@link RestClient}, on the JDK's {@link HttpClient} with an executor of the app's own.
 * Given none, the JDK's client completes responses on a cached pool of its own, whose platform threads grow with
 * the calls in flight whatever runs the callers; a pool the app makes is one its agent options can reach.
 */
@Configuration
public class DownstreamClient {
    @Bean(destroyMethod = "shutdown")
    ExecutorService downstreamExecutor() {
        return Executors.newCachedThreadPool();
    }

    @Bean
    HttpClient downstreamHttpClient(ExecutorService downstreamExecutor) {
        return HttpClient.newBuilder().executor(downstreamExecutor).build();
    }

    @Bean
    RestClient downstream(HttpClient downstreamHttpClient, @Value("${downstream.url}") String downstreamUrl) {
        return RestClient.builder().baseUrl(downstreamUrl)
                .requestFactory(new JdkClientHttpRequestFactory(downstreamHttpClient)).build();
    }
}
