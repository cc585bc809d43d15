package io.storycast.gateway.metrics;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * {@code /dashboard/} on the management listener: a page that polls {@code GET /v1/stats/latency} and
 * {@code GET /v1/stats/streams} and draws throughput per stage, latency by percentile and stream lag. Every
 * file comes from the gateway's class path: the page's own ({@value #PAGE_ROOT}) and Chart.js's, from its
 * WebJar ({@value #CHART_JS_WEBJAR}), under {@code /dashboard/vendor/}. A Content-Security-Policy of
 * {@code 'self'} makes the browser refuse anything from elsewhere, so the page works with no network beyond
 * the gateway. Files are served by Vert.x's {@link StaticHandler} (non-blocking file reads).
 */
final class DashboardRoutes {
    /** The page's files on the class path: index.html, dashboard.js, dashboard.css. */
    static final String PAGE_ROOT = "webroot/dashboard";
    /** Where the Chart.js WebJar keeps its files on the class path, before the version. */
    static final String CHART_JS_WEBJAR = "META-INF/resources/webjars/chart.js";
    /** The WebJar's Maven metadata, which names the version (so the pom alone sets it). */
    private static final String CHART_JS_POM_PROPERTIES = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    /** Nothing but this origin: scripts, styles, the feeds' fetches; images also as data: URIs (the favicon). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** How long a browser may keep a file without asking again, seconds. */
    private static final long MAX_AGE_SECONDS = 60;

    private final String chartJsVersion;

    /** @throws IllegalStateException when the Chart.js WebJar is not on the class path (a broken build) */
    DashboardRoutes() {
        this.chartJsVersion = bundledChartJsVersion();
    }

    /** @return the bundled Chart.js's version, e.g. {@code 4.5.1} */
    String chartJsVersion() {
        return chartJsVersion;
    }

    /**
     * Adds {@code /dashboard} (a redirect, relative so it also works behind a proxy's path prefix),
     * {@code /dashboard/} and its files to {@code router}.
     */
    void addTo(Router router) {
        // Vert.x matches this path with a trailing slash too: only the bare path is redirected.
        router.get("/dashboard").handler(context -> {
            if (context.request().path().endsWith("/")) {
                context.next();
            } else {
                context.redirect("dashboard/");
            }
        });
        router.get("/dashboard/*").handler(DashboardRoutes::securityHeaders);
        router.get("/dashboard/vendor/*").handler(StaticHandler
                .create(CHART_JS_WEBJAR + "/" + chartJsVersion + "/dist")
                .setMaxAgeSeconds(MAX_AGE_SECONDS));
        router.get("/dashboard/*").handler(StaticHandler.create(PAGE_ROOT)
                .setMaxAgeSeconds(MAX_AGE_SECONDS));
    }

    private static void securityHeaders(RoutingContext context) {
        context.response()
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
        context.next();
    }

    private static String bundledChartJsVersion() {
        try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(CHART_JS_POM_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("the Chart.js WebJar is not on the class path: " + CHART_JS_POM_PROPERTIES);
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version");
            if (version == null || version.isBlank()) {
                throw new IllegalStateException("no version in " + CHART_JS_POM_PROPERTIES);
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
