package com.acme.bootapp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * {@code GET /work?n=<n>}: sleeps 10 ms, has PostgreSQL give {@code n} back after a 5 ms server-side sleep (through
 * HikariCP's pool of 8, so a burst of requests queues for a connection), calls the downstream's
 * {@code /item/<n>} with Spring's {@link RestClient} ({@link DownstreamClient}) and answers {@code work <n from the database> <downstream body>}.
 * {@code GET /shutdown} stops the app.
 */
@RestController
public class WorkController {
    private static final Logger LOG = LoggerFactory.getLogger(WorkController.class);

    private final JdbcTemplate jdbc;
    private final RestClient downstream;
    private final WorkStats stats;

    public WorkController(JdbcTemplate jdbc, RestClient downstream, WorkStats stats) {
        this.jdbc = jdbc;
        this.downstream = downstream;
        this.stats = stats;
    }

    @GetMapping(value = "/work", produces = "text/plain")
    public ResponseEntity<String> work(@RequestParam(name = "n", defaultValue = "0") int n) throws InterruptedException {
        Thread.sleep(10);
        Integer fromDatabase;
        try {
            fromDatabase = jdbc.queryForObject("SELECT ?::int FROM pg_sleep(0.005)", Integer.class, n);
        } catch (DataAccessException e) {
            stats.dbFailed();
            LOG.warn("query for {} failed", n, e);
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(e.toString());
        }
        String item;
        try {
            item = downstream.get().uri("/item/{n}", n).retrieve().body(String.class);
        } catch (RestClientException e) {
            stats.downstreamFailed();
            LOG.warn("downstream call for {} failed", n, e);
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(e.toString());
        }
        stats.servedOne();
        return ResponseEntity.ok("work " + fromDatabase + " " + item);
    }

    @GetMapping(value = "/shutdown", produces = "text/plain")
    public String shutdown() {
        stats.shutdown();
        return "stopping";
    }
}
