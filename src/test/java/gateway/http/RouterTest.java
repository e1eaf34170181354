package gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import gateway.config.Settings;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.observe.Log;
import gateway.telemetry.Telemetry;
import gateway.observe.Metrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router on a real server: exact paths first, then templates; 404 for no path, 405 for no method. */
class RouterTest {
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    final Metrics metrics = new Metrics();
    final List<String> log = new CopyOnWriteArrayList<>();
    final Departures departures = new Departures();
    HttpServer server;

    @BeforeEach
    void start() throws IOException {
        var router = new Router(metrics, new Log(log::add), Cors.parse("*"), departures,
                new Telemetry(Settings.defaults().telemetry(), JsonArray::of, metrics.export()))
                .route("GET", "/things", exchange -> answer(exchange, "list"))
                .route("GET", "/things/{id}", exchange -> answer(exchange, "get " + exchange.pathParameter("id")))
                .route("DELETE", "/things/{id}", exchange -> answer(exchange, "delete " + exchange.pathParameter("id")))
                .route("POST", "/things/{id}/poke", exchange -> answer(exchange, "poke " + exchange.pathParameter("id")))
                .route("GET", "/things/special", exchange -> answer(exchange, "special " + exchange.pathParameter("id")))
                .route("GET", "/admin/things/{id}", exchange -> answer(exchange, "admin " + exchange.pathParameter("id")));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", router);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        departures.close();
    }

    static void answer(Exchange exchange, String what) throws IOException {
        exchange.respond(200, JsonObject.builder().put("handled", what).build());
    }

    HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String handled(HttpResponse<String> response) {
        return ((JsonObject) Json.parse(response.body())).string("handled").orElseThrow();
    }

    static String code(HttpResponse<String> response) {
        return ((JsonObject) Json.parse(response.body())).object("error").orElseThrow().string("code").orElseThrow();
    }

    @Test
    void aTemplateGivesItsSegmentToTheHandler() throws Exception {
        assertEquals("get key_1", handled(send("GET", "/things/key_1")));
        assertEquals("delete key_2", handled(send("DELETE", "/things/key_2")));
        assertEquals("poke key_3", handled(send("POST", "/things/key_3/poke")));
        assertEquals("list", handled(send("GET", "/things")));
    }

    @Test
    void anExactPathWinsOverATemplate() throws Exception {
        assertEquals("special null", handled(send("GET", "/things/special")));
        var response = send("DELETE", "/things/special");
        assertEquals(405, response.statusCode(), "the exact path is the route, with its own methods");
        assertEquals("GET", response.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void aPathWithoutARouteIs404AndAMethodWithoutAHandlerIs405() throws Exception {
        for (String path : List.of("/things/", "/things/a/b", "/things/a/poke/", "/nothing", "/things/a/pokes")) {
            var response = send("GET", path);
            assertEquals(404, response.statusCode(), path);
            assertEquals("not_found", code(response), path);
        }
        var put = send("PUT", "/things/key_1");
        assertEquals(405, put.statusCode());
        assertEquals("method_not_allowed", code(put));
        assertEquals("GET, DELETE", put.headers().firstValue("Allow").orElseThrow());
        var getPoke = send("GET", "/things/key_1/poke");
        assertEquals(405, getPoke.statusCode());
        assertEquals("POST", getPoke.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void metricsNameTheTemplateNotTheValueSoTheyStayBounded() throws Exception {
        for (int i = 0; i < 5; i++) {
            send("GET", "/things/key_" + i);
        }
        send("POST", "/things/key_9/poke");
        JsonObject requests = metrics.toJson().object("requests").orElseThrow();
        assertEquals(5L, requests.object("GET /things/{id}").orElseThrow().longValue("200").orElseThrow());
        assertEquals(1L, requests.object("POST /things/{id}/poke").orElseThrow().longValue("200").orElseThrow());
        assertFalse(requests.members().keySet().stream().anyMatch(route -> route.contains("key_")), requests.toJson());
        assertTrue(log.stream().anyMatch(line -> line.contains("\"path\":\"/things/key_3\"")), "the log line keeps the path itself");
    }

    @Test
    void theAdminPathsGetNoCorsHeadersAndNoPreflight() throws Exception {
        var open = send("GET", "/things/a", "Origin", "https://app.example.com");
        assertEquals("*", open.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        var preflight = send("OPTIONS", "/things/a", "Origin", "https://app.example.com", "Access-Control-Request-Method", "DELETE");
        assertEquals(204, preflight.statusCode());
        assertEquals("GET, DELETE", preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());

        var admin = send("GET", "/admin/things/a", "Origin", "https://app.example.com");
        assertEquals("admin a", handled(admin));
        var adminPreflight = send("OPTIONS", "/admin/things/a", "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "GET");
        assertEquals(405, adminPreflight.statusCode());
        for (var response : List.of(admin, adminPreflight)) {
            assertTrue(response.headers().map().keySet().stream().noneMatch(name -> name.toLowerCase().startsWith("access-control-")),
                    response.headers().map().toString());
        }
    }
}
