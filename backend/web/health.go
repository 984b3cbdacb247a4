package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

// healthz answers as long as the process serves HTTP: for liveness probes.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok", "version": s.opts.Version})
}

// readyz answers 200 only when the store is reachable and its schema is the one
// this binary expects: for load balancers and readiness probes. It also shows
// how far the search index trails the store ("search": state, lagChanges,
// lagSeconds), but that never makes it 503: a lagging or unreachable search
// engine degrades search (new ideas are found later), not the app, and
// taking instances out of the load balancer would turn a search outage into
// a full one.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	checks := fiber.Map{}
	ready := true
	if err := s.app.Store.Ping(ctx); err != nil {
		checks["store"], ready = "unreachable", false
	} else {
		checks["store"] = "ok"
	}
	if v, err := s.app.Store.SchemaVersion(ctx); err != nil || v != s.opts.SchemaVersion {
		checks["migrations"], ready = "not current", false
	} else {
		checks["migrations"] = "ok"
	}
	body := fiber.Map{"checks": checks}
	if ix := s.app.Indexer; ix != nil {
		if st, err := ix.Lag(ctx); err != nil {
			checks["search"] = "unknown"
		} else {
			checks["search"] = st.State
			if st.State == backend.IndexerFollowing {
				checks["search"] = "ok"
			}
			body["search"] = st
		}
	}
	status := "ready"
	if !ready {
		status = "not ready"
		c.Status(fiber.StatusServiceUnavailable)
	}
	body["status"] = status
	return c.JSON(body)
}
