package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

func (s *Server) mergeIdea(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	var in backend.MergeInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	m, err := s.app.MergeIdea(c.UserContext(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) activeMerge(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	m, err := s.app.ActiveMerge(c.UserContext(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

type undoMergeRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) undoMerge(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return backend.Errorf(backend.ENOTFOUND, "Merge not found.")
	}
	var req undoMergeRequest
	if len(c.Body()) > 0 { // the reason is optional, and so is the body
		if err := decodeBody(c, &req); err != nil {
			return err
		}
	}
	m, err := s.app.UndoMerge(c.UserContext(), actorOf(c), id, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) similarIdeas(c *fiber.Ctx) error {
	items, err := s.app.SimilarIdeas(c.UserContext(), actorOf(c), c.Params("slug"), c.Query("title"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}
