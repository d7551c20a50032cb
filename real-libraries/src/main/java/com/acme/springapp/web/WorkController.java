package com.acme.springapp.web;

import com.acme.springapp.WebConfig.ItemClient;
import com.acme.springapp.WorkState;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.io.IOException;

/**
 * {@code GET /work?n=<n>}: sleeps 10 ms, calls downstream, answers {@code work <n> item-<n>}, reading {@code n} back
 * from the request Spring keeps in a ThreadLocal ({@link RequestContextHolder}), which must still be this request's
 * after the sleep and the call. {@code GET /shutdown} stops the app.
 */
@RestController
public class WorkController {
    private final ItemClient items;
    private final WorkState state;

    public WorkController(ItemClient items, WorkState state) {
        this.items = items;
        this.state = state;
    }

    @GetMapping(value = "/work", produces = "text/plain")
    public ResponseEntity<String> work(@RequestParam(name = "n", defaultValue = "0") String n,
                                       HttpServletRequest request) throws InterruptedException {
        Thread.sleep(10);
        String item;
        try {
            item = items.item(n);
        } catch (IOException e) {
            state.downstreamFailed();
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(e.toString());
        }
        HttpServletRequest held = ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes()).getRequest();
        if (held != request) {
            return ResponseEntity.internalServerError().body("RequestContextHolder holds another request: " + held);
        }
        state.servedOne();
        return ResponseEntity.ok("work " + held.getParameter("n") + " " + item);
    }

    @GetMapping(value = "/shutdown", produces = "text/plain")
    public String shutdown() {
        state.shutdown();
        return "stopping";
    }
}
