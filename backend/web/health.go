package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz answers as long as the process serves HTTP: for liveness probes.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok", "version": s.opts.Version})
}

// readyz answers 200 only when the store is reachable and its schema is the one
// this binary expects: for load balancers and readiness probes.
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
	status := "ready"
	if !ready {
		status = "not ready"
		c.Status(fiber.StatusServiceUnavailable)
	}
	return c.JSON(fiber.Map{"status": status, "checks": checks})
}
