package dev.jlb.it;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls of the admin API. */
final class Admin {
    private final RunningBalancer balancer;
    private final String token;

    Admin(RunningBalancer balancer, String token) {
        this.balancer = balancer;
        this.token = token;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(balancer.uri("/lb-admin" + path)).timeout(Http.TIMEOUT);
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> get(String path) {
        return Http.send(request(path).GET().build());
    }

    HttpResponse<String> post(String path, String json) {
        return Http.send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    HttpResponse<String> put(String path, String json) {
        return Http.send(request(path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    HttpResponse<String> delete(String path) {
        return Http.send(request(path).DELETE().build());
    }

    static HttpResponse<String> withAuthorization(URI uri, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Http.TIMEOUT);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return Http.send(builder.GET().build());
    }
}
