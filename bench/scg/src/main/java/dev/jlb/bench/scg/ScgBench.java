package dev.jlb.bench.scg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A peer for bench/run: Spring Cloud Gateway (WebFlux on Reactor Netty). Everything is in
 * application.yml: one route for every path to lb://backends, Spring Cloud LoadBalancer's round
 * robin over the simple discovery client's instances. Not part of jlb.
 * Usage: java -jar scg.jar --server.port=PORT
 *     --spring.cloud.discovery.client.simple.instances.backends[0].uri=http://HOST:PORT ...
 */
@SpringBootApplication
public class ScgBench {
    public static void main(String[] args) {
        SpringApplication.run(ScgBench.class, args);
    }
}
