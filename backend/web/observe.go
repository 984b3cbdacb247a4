package web

import (
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	ballots  *prometheus.CounterVec
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ideenmarkt_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ideenmarkt_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
		ballots: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ideenmarkt_ballots_total", Help: "Ballots accepted, by outcome (created, replaced, same).",
		}, []string{"outcome"}),
	}
	reg.MustRegister(m.requests, m.duration, m.ballots)
	return m
}

// observe logs each request and records its metrics. The route label is the
// route pattern (/api/v1/conferences/:slug), never the raw path, so that the
// number of series stays bounded. Client IPs are not logged: they are personal
// data, and staff councils expect participation to leave no such trail.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.fiber.ErrorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	route := c.Route().Path
	if route == "/" && c.Path() != "/" || route == "/*" {
		route = "spa"
	}
	elapsed := time.Since(start)
	// Fiber's strings point into buffers that the next request reuses; the
	// metric registry keeps label values, so they must be copies.
	method := strings.Clone(c.Method())
	route = strings.Clone(route)
	s.metrics.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	s.metrics.duration.WithLabelValues(method, route).Observe(elapsed.Seconds())
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	if route == "/healthz" || route == "/readyz" || route == "/metrics" {
		level = slog.LevelDebug
	}
	s.log.LogAttrs(c.UserContext(), level, "request",
		slog.String("method", method), slog.String("path", c.Path()), slog.String("route", route),
		slog.Int("status", status), slog.Duration("duration", elapsed), slog.Int("bytes", len(c.Response().Body())))
	return nil
}

func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.opts.Registry, promhttp.HandlerOpts{}))
}
