package web

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPIDoc describes every route under /api and the operational endpoints.
// It is written by hand, next to the handlers; TestOpenAPICoversRoutes fails
// when a registered route is missing from it or it lists one that is gone.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(c *fiber.Ctx) error {
	c.Type("json", "utf-8")
	return c.Send(openAPIDoc)
}
