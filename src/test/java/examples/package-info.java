/**
 * Build your own gateway: a short course in runnable examples, each a JUnit test that starts a
 * real gateway on a free port and talks to it over HTTP. Read them in order:
 * <ol>
 *   <li>{@link examples.Lesson1StartTest}: a gateway in a test, in three lines</li>
 *   <li>{@link examples.Lesson2WorkerTest}: a worker of one's own answers every operation, whole and streamed</li>
 *   <li>{@link examples.Lesson3LogTest}: the structured log, collected by a sink of one's own</li>
 *   <li>{@link examples.Lesson4MockTest}: a mock inference server in the same JVM, behind the gateway</li>
 *   <li>{@link examples.Lesson5RoutingTest}: a routing policy of one's own chooses among the backends</li>
 *   <li>{@link examples.Lesson6CheckTest}: a check of one's own refuses requests, in OpenAI's error shape</li>
 * </ol>
 * Each states what it teaches and ends with an exercise. They use only the library's public API
 * (this package is not {@code gateway}'s), and {@link examples.Http} for the few lines of
 * {@code java.net.http} that lesson 1 writes out in full.
 */
package examples;
