package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

func commentID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, backend.Errorf(backend.ENOTFOUND, "Comment not found.")
	}
	return id, nil
}

func (s *Server) listComments(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	items, err := s.app.ListComments(c.UserContext(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) createComment(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	var in backend.CommentInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	view, err := s.app.AddComment(c.UserContext(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(view)
}

type commentEdit struct {
	Body string `json:"body"`
}

func (s *Server) updateComment(c *fiber.Ctx) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	var in commentEdit
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	view, err := s.app.EditComment(c.UserContext(), actorOf(c), id, in.Body)
	if err != nil {
		return err
	}
	return c.JSON(view)
}

func (s *Server) deleteComment(c *fiber.Ctx) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	if err := s.app.DeleteComment(c.UserContext(), actorOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
