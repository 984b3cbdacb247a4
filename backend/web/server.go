// Package web is ideenmarkt's HTTP adapter: the JSON API under /api/v1, health
// and metrics endpoints, and the embedded single-page app. Handlers translate
// HTTP to backend.App calls and back; they hold no business rules.
package web

import (
	"context"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/prometheus/client_golang/prometheus"

	"ideenmarkt/backend"
	"ideenmarkt/backend/live"
)

// Options configure the web adapter; main fills them from its Config.
type Options struct {
	Log *slog.Logger
	// BaseURL is the public URL (e.g. https://ideen.stadt.de). Its scheme turns
	// on Secure cookies and HSTS; its origin is the one accepted for writes.
	// Empty: the request's own Host is trusted (local use).
	BaseURL string
	// ProxyHeader names the header carrying the client IP behind a reverse
	// proxy (e.g. X-Forwarded-For); empty uses the socket address.
	ProxyHeader string
	// Frontend holds the built SPA (index.html at its root), or nil.
	Frontend fs.FS
	// Registry receives the HTTP metrics and serves /metrics.
	Registry *prometheus.Registry
	// SchemaVersion is the migration version this binary expects, for /readyz.
	SchemaVersion int
	// Version is the release shown in /healthz.
	Version string
	// Hub serves the live channel (/api/v1/live); nil answers 503 there.
	Hub *live.Hub
}

// Server is the Fiber application with its dependencies.
type Server struct {
	app           *backend.App
	opts          Options
	log           *slog.Logger
	fiber         *fiber.App
	secure        bool
	origin        string
	logins        *rateLimiter
	joins         *rateLimiter
	registrations *rateLimiter // registration attempts per client address
	metrics       *httpMetrics
}

// New builds the Fiber app and registers every route.
func New(app *backend.App, opts Options) *Server {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	s := &Server{app: app, opts: opts, log: opts.Log, logins: newRateLimiter(10, 10*time.Minute), joins: newRateLimiter(20, 10*time.Minute),
		// Staff register from the city's network, often behind one address;
		// the limit stops a script, not a department.
		registrations: newRateLimiter(300, 10*time.Minute)}
	if u, err := url.Parse(opts.BaseURL); err == nil && u.Host != "" {
		s.secure = u.Scheme == "https"
		s.origin = u.Scheme + "://" + u.Host
	}
	s.metrics = newHTTPMetrics(opts.Registry)
	s.fiber = fiber.New(fiber.Config{
		AppName:               "ideenmarkt",
		ErrorHandler:          s.errorHandler,
		BodyLimit:             maxUploadBytes, // JSON bodies have their own, smaller limit (decodeBody)
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		ProxyHeader:           opts.ProxyHeader,
		// Hands the websocket its connection without fasthttp's 4 KiB read
		// buffer (the websocket has its own), and frees idle keep-alive
		// connections' buffers: memory per phone matters more here than
		// the few allocations it costs per request.
		ReduceMemoryUsage: true,
	})
	s.routes()
	return s
}

// Fiber exposes the app, e.g. for app.Test in tests.
func (s *Server) Fiber() *fiber.App { return s.fiber }

// Listen serves until Shutdown.
func (s *Server) Listen(addr string) error { return s.fiber.Listen(addr) }

// Shutdown stops accepting connections and waits for in-flight requests until
// ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.fiber.ShutdownWithContext(ctx) }

func (s *Server) routes() {
	f := s.fiber
	f.Use(recover.New())
	f.Use(s.observe)
	f.Use(s.securityHeaders)

	f.Get("/healthz", s.healthz)
	f.Get("/readyz", s.readyz)
	f.Get("/metrics", s.metricsHandler())
	f.Get("/api/openapi.json", s.openAPI)

	// The websocket comes before the group: its upgrade response stays in
	// memory as long as the connection (fasthttp keeps the request context
	// of a hijacked connection), so it gets none of the headers and cookies
	// the group and securityHeaders would add (about 3 KiB per phone), only
	// the actor.
	f.Get("/api/v1/live", s.loadActor, s.liveUpgrade, s.newLiveHandler())
	api := f.Group("/api/v1", s.noStore, s.csrfCookie, s.loadActor, s.checkCSRF)
	api.Get("/me", s.me)
	api.Get("/me/ideas", s.myIdeas)
	api.Post("/auth/login", s.login)
	api.Post("/auth/logout", s.logout)
	api.Get("/conferences", s.listConferences)
	api.Post("/conferences", s.createConference)
	api.Get("/conferences/:slug", s.getConference)
	api.Patch("/conferences/:slug", s.updateConference)
	api.Post("/conferences/:slug/phase", s.setPhase)
	api.Post("/conferences/:slug/join-code", s.regenerateJoinCode)
	api.Post("/conferences/:slug/join", s.join)
	api.Get("/conferences/:slug/membership", s.membership)
	api.Delete("/conferences/:slug/membership", s.leave)
	api.Get("/conferences/:slug/invites", s.listInvites)
	api.Post("/conferences/:slug/invites", s.createInvites)
	api.Post("/conferences/:slug/import", s.importIdeas)
	api.Post("/conferences/:slug/carry-over", s.carryOver)
	api.Get("/conferences/:slug/outcomes", s.outcomes)
	api.Get("/conferences/:slug/export.csv", s.exportIdeasCSV)
	api.Get("/conferences/:slug/export.xlsx", s.exportIdeasXLSX)
	api.Get("/conferences/:slug/participants", s.listParticipants)
	api.Patch("/conferences/:slug/participants/:id", s.setParticipantRole)
	api.Get("/conferences/:slug/ideas", s.listIdeas)
	api.Get("/conferences/:slug/ideas/similar", s.similarIdeas)
	api.Post("/conferences/:slug/ideas", s.createIdea)
	api.Get("/ideas/:id", s.getIdea)
	api.Patch("/ideas/:id", s.updateIdea)
	api.Get("/ideas/:id/versions", s.ideaVersions)
	api.Get("/ideas/:id/merge", s.activeMerge)
	api.Post("/ideas/:id/merge", s.mergeIdea)
	api.Post("/merges/:id/undo", s.undoMerge)
	api.Post("/ideas/:id/follow-up", s.recordFollowUp)
	api.Get("/ideas/:id/timeline", s.ideaTimeline)
	api.Put("/ideas/:id/support", s.setSupport)
	api.Delete("/ideas/:id/support", s.setSupport)
	api.Get("/ideas/:id/comments", s.listComments)
	api.Post("/ideas/:id/comments", s.createComment)
	api.Patch("/comments/:id", s.updateComment)
	api.Delete("/comments/:id", s.deleteComment)
	api.Get("/conferences/:slug/moderation", s.moderationQueue)
	api.Get("/conferences/:slug/audit", s.auditLog)
	api.Post("/ideas/:id/moderation", s.moderateIdea)
	api.Post("/comments/:id/moderation", s.moderateComment)
	api.Post("/reports", s.report)
	api.Get("/conferences/:slug/sessions", s.listSessions)
	api.Post("/conferences/:slug/sessions", s.createSession)
	api.Get("/sessions/:id", s.getSession)
	api.Patch("/sessions/:id", s.updateSession)
	api.Delete("/sessions/:id", s.deleteSession)
	api.Get("/sessions/:id/rounds", s.listRounds)
	api.Post("/sessions/:id/rounds", s.createRound)
	api.Get("/rounds/:id", s.getRound)
	api.Patch("/rounds/:id", s.updateRound)
	api.Delete("/rounds/:id", s.deleteRound)
	api.Post("/rounds/:id/ballots", s.castBallot)
	api.Get("/rounds/:id/results", s.roundResults)
	api.Get("/rounds/:id/results.csv", s.roundResultsCSV)
	api.Post("/rounds/:id/:action", s.roundAction)
	api.Get("/ideas/:id/results", s.ideaResults)
	api.Get("/search", s.search)
	api.Post("/conferences/:slug/registrations", s.register)
	api.Get("/conferences/:slug/registrations", s.listRegistrations)
	api.Post("/conferences/:slug/registrations/:id/cancel", s.cancelRegistrationFor)
	api.Get("/conferences/:slug/registration-settings", s.registrationSettings)
	api.Put("/conferences/:slug/registration-settings", s.saveRegistrationSettings)
	api.Get("/conferences/:slug/registration-dashboard", s.registrationDashboard)
	api.Get("/conferences/:slug/attendance.csv", s.attendanceCSV)
	api.Post("/conferences/:slug/check-ins", s.checkIn)
	api.Post("/conferences/:slug/walk-ins", s.walkIn)
	api.Get("/registration", s.myRegistration)
	api.Patch("/registration", s.updateMyRegistration)
	api.Delete("/registration", s.eraseMyRegistration)
	api.Get("/registration/export", s.exportMyRegistration)
	api.Post("/registration/:action", s.registrationAction)
	f.All("/api/*", func(c *fiber.Ctx) error { return fiber.NewError(fiber.StatusNotFound, "No such API endpoint.") })

	s.mountFrontend()
}

// noStore keeps API answers out of shared caches: they depend on the session.
func (s *Server) noStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

// securityHeaders sets a strict CSP (no inline scripts) and friends on every
// response that reaches routing; errorHandler sets them on the rest.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	if c.Path() != "/api/v1/live" { // a 101 answer has no document to protect (see routes)
		s.setSecurityHeaders(c)
	}
	return c.Next()
}

func (s *Server) setSecurityHeaders(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "+
		"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
	if s.secure {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

// clientIP is the address used for rate limiting. Behind a proxy it is the
// last entry of the proxy header — the one the proxy itself appended — since
// every earlier entry is whatever the client chose to send.
func (s *Server) clientIP(c *fiber.Ctx) string {
	if s.opts.ProxyHeader != "" {
		if h := c.Get(s.opts.ProxyHeader); h != "" {
			parts := strings.Split(h, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	return c.Context().RemoteIP().String()
}

// expectedOrigin is the origin a same-site browser request carries.
func (s *Server) expectedOrigin(c *fiber.Ctx) string {
	if s.origin != "" {
		return s.origin
	}
	return c.Protocol() + "://" + string(c.Request().Host())
}

// queryInt reads a non-negative integer query parameter, or def.
func queryInt(c *fiber.Ctx, name string, def int) (int, error) {
	v := strings.TrimSpace(c.Query(name))
	if v == "" {
		return def, nil
	}
	n := 0
	for _, r := range v {
		if r < '0' || r > '9' || n > 1e14 { // bounded well inside int64
			return 0, &backend.Error{Code: backend.EINVALID, Message: "Invalid query parameter.", Fields: []backend.FieldError{{
				Field: name, Code: "type", DE: "Bitte eine nicht negative ganze Zahl angeben.", EN: "Please give a non-negative whole number.",
			}}}
		}
		n = n*10 + int(r-'0')
	}
	return n, nil
}
