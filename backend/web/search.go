package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

// search serves GET /api/v1/search: q, the facet filters (conference, year,
// topic, department, status, session; repeated = OR within a facet), sort,
// offset and limit. Validation is the App's, so every bad value comes back
// as a per-field message; only offset and limit are parsed here.
func (s *Server) search(c *fiber.Ctx) error {
	in := backend.SearchInput{
		Text:    strings.Clone(c.Query("q")),
		Sort:    strings.Clone(c.Query("sort")),
		Filters: map[string][]string{},
	}
	args := c.Context().QueryArgs()
	for _, f := range backend.SearchFacets {
		for _, v := range args.PeekMulti(f) {
			in.Filters[f] = append(in.Filters[f], string(v)) // string() copies out of fasthttp's buffer
		}
	}
	var err error
	if in.Offset, err = queryInt(c, "offset", 0); err != nil {
		return err
	}
	if in.Limit, err = queryInt(c, "limit", backend.SearchDefaultLimit); err != nil {
		return err
	}
	page, err := s.app.SearchIdeas(c.UserContext(), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(page)
}
