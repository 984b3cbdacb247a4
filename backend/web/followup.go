package web

import (
	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

// The follow-up routes (docs/follow-up.md): organisers answer on ideas and
// carry unfinished ones into later conferences; everyone reads timelines,
// outcomes and their own ideas.

func (s *Server) recordFollowUp(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	var in backend.FollowUpInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	view, err := s.app.RecordFollowUp(c.UserContext(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(view)
}

func (s *Server) ideaTimeline(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	t, err := s.app.Timeline(c.UserContext(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (s *Server) carryOver(c *fiber.Ctx) error {
	var in backend.CarryOverInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	res, err := s.app.CarryOver(c.UserContext(), actorOf(c), c.Params("slug"), in)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) myIdeas(c *fiber.Ctx) error {
	items, err := s.app.MyIdeas(c.UserContext(), actorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) outcomes(c *fiber.Ctx) error {
	o, err := s.app.Outcomes(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(o)
}
