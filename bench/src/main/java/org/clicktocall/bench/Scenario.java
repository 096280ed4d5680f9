package org.clicktocall.bench;

import java.util.List;

/** A scenario the harness can run: its name (as selected with --scenarios), kind and one-line description. */
record Scenario(String name, Kind kind, String description) {

    enum Kind { LOAD, LIGHT, FAILURE, EVENTS, REFRESH }

    /** Every scenario, in the order they run (failure scenarios last: each leaves the breaker open). */
    static final List<Scenario> ALL = List.of(
            new Scenario("happy", Kind.LOAD, "Dialpad answers in STUB_LATENCY_MS; closed loop with CLIENTS connections (wrk)."),
            new Scenario("capacity", Kind.LOAD, "As happy with CAPACITY_CLIENTS connections (wrk): how many calls/s the service sustains, and the share of clicks that reached Dialpad."),
            new Scenario("light", Kind.LIGHT, "Open loop at RATE calls/s (latency from the intended send; the harness's Java generator): the latency the service adds at a light load."),
            new Scenario("refresh-sweep", Kind.REFRESH, "REFRESH_TOKENS tokens expiring within the window, Dialpad's token endpoint answering in STUB_LATENCY_MS: how long the scheduled refresh takes to ask for every one (one instance), and whether any is asked for twice when two instances share the database."),
            new Scenario("events", Kind.EVENTS, "Dialpad call events (POST /dialpad/events, HS256 JWT; the harness's Java generator): closed loop with CLIENTS clients, each sending one call's ringing, connected and hangup in order, then the next call's."),
            new Scenario("hang", Kind.FAILURE, "Dialpad accepts the request and never answers (the harness's Java generator): every click must be answered within the response timeout until the breaker opens, then at once with a tel: link."),
            new Scenario("down", Kind.FAILURE, "Dialpad's port is closed (connection refused): as hang."));

    static final String DEFAULT = "happy,capacity,light,hang,down,events";
}
