package gateway.mock;

import static gateway.mock.MockHttp.await;
import static gateway.mock.MockHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code --slots N}: at most N requests generate at once, the others wait in arrival order.
 * Each request holds its slot for its prefill: "user\nhi\n" is 8 characters, 2 tokens.
 */
class SlotsTest {
    static final String HI = MockHttp.chat("user", "hi");

    static MockOptions slots(int slots, Duration perToken) {
        return MockOptions.builder().slots(slots).prefillPerToken(perToken).build();
    }

    static URI chat(MockBackend mock) {
        return mock.uri().resolve("/v1/chat/completions");
    }

    @Test
    void neverMoreThanTheSlotsGenerateAndEveryRequestCompletes() {
        try (var mock = MockHttp.start(slots(2, Duration.ofMillis(100)))) {
            var replies = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < 6; i++) {
                replies.add(MockHttp.postAsync(chat(mock), HI));
            }
            for (var reply : replies) {
                assertEquals(200, MockHttp.join(reply).statusCode());
            }
            assertEquals(2, mock.maxGenerating(), "two at once, never more");
            assertEquals(6, mock.chatRequests());
            await("every slot given back", () -> mock.generating() == 0 && mock.chatsInProgress() == 0);
        }
    }

    @Test
    void waitingRequestsAreServedInTheOrderTheyArrived() {
        try (var mock = MockHttp.start(slots(1, Duration.ofMillis(100)))) {
            List<String> finished = new CopyOnWriteArrayList<>();
            var replies = new ArrayList<CompletableFuture<?>>();
            for (String model : List.of("first", "second", "third", "fourth")) {
                int ahead = replies.size();
                replies.add(MockHttp.postAsync(chat(mock), "{\"model\":\"" + model + "\"," + HI.substring(1))
                        .thenAccept(response -> finished.add(json(response).string("model").orElseThrow())));
                // Sent one by one, each once the one before is in the mock.
                await(model + " in the mock", () -> mock.generating() + mock.waiting() == ahead + 1);
            }
            replies.forEach(MockHttp::join);
            assertEquals(List.of("first", "second", "third", "fourth"), finished);
        }
    }

    @Test
    void aClientLeavingWhileQueuedGivesBackNoSlotItDidNotHold() throws IOException {
        try (var mock = MockHttp.start(slots(1, Duration.ofMillis(150)))) {
            var holder = MockHttp.postAsync(chat(mock), HI);
            await("the first request holds the slot", () -> mock.generating() == 1);
            try (var leaving = new Socket(InetAddress.getLoopbackAddress(), mock.port())) {
                leaving.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + HI.length() + "\r\n\r\n" + HI)
                        .getBytes(StandardCharsets.UTF_8));
                await("the second request waits", () -> mock.waiting() == 1);
            } // its client leaves while it waits
            var third = MockHttp.postAsync(chat(mock), HI);
            var fourth = MockHttp.postAsync(chat(mock), HI);
            for (var reply : List.of(holder, third, fourth)) {
                assertEquals(200, MockHttp.join(reply).statusCode());
            }
            assertEquals(1, mock.maxGenerating(), "the departed request's turn did not open a second slot");
            await("every request ended and its slot given back",
                    () -> mock.generating() == 0 && mock.waiting() == 0 && mock.chatsInProgress() == 0);
            assertEquals(4, mock.chatRequests());
        }
    }

    @Test
    void withoutALimitEveryRequestGeneratesAtOnce() {
        try (var mock = MockHttp.start(slots(0, Duration.ofMillis(250)))) {
            var replies = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < 4; i++) {
                replies.add(MockHttp.postAsync(chat(mock), HI));
            }
            replies.forEach(MockHttp::join);
            assertEquals(4, mock.maxGenerating(), "each held its slot for 500 ms, all at once");
        }
    }
}
