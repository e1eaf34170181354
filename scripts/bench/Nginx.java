import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * nginx as a reference proxy: the physical limit of one proxy hop on this machine. It is
 * set up as a streaming proxy should be: responses unbuffered, upstream connections kept
 * alive, access log on (the gateway logs too).
 */
final class Nginx {
    private Nginx() {
    }

    static boolean installed() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx"));
    }

    static Services.Service start(Services services, Path folder, int backendPort) throws IOException, InterruptedException {
        int port = Services.freePort();
        Path dir = folder.toAbsolutePath();
        String config = """
                daemon off;
                worker_processes auto;
                worker_rlimit_nofile 30000;
                pid %1$s/nginx.pid;
                error_log %1$s/nginx-error.log warn;
                events { worker_connections 20000; }
                http {
                    access_log %1$s/nginx-access.log combined buffer=64k;
                    client_body_temp_path %1$s/nginx-body;
                    proxy_temp_path %1$s/nginx-proxy;
                    client_max_body_size 8m;
                    client_body_buffer_size 2m;
                    upstream backend { server 127.0.0.1:%2$d; keepalive 256; }
                    server {
                        listen 127.0.0.1:%3$d backlog=4096;
                        location / {
                            proxy_pass http://backend;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_buffering off;
                            proxy_read_timeout 120s;
                        }
                    }
                }
                """.formatted(dir, backendPort, port);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, config);
        return services.start("nginx", port, null, List.of("/usr/sbin/nginx", "-p", dir.toString(), "-c", file.toString()), Map.of());
    }
}
