package web

import (
	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

type conferenceList struct {
	Items []backend.ConferenceView `json:"items"`
	Total int                      `json:"total"`
}

func (s *Server) listConferences(c *fiber.Ctx) error {
	offset, err := queryInt(c, "offset", 0)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", backend.DefaultPageSize)
	if err != nil {
		return err
	}
	items, total, err := s.app.ListConferences(c.UserContext(), actorOf(c), offset, limit)
	if err != nil {
		return err
	}
	return c.JSON(conferenceList{Items: items, Total: total})
}

func (s *Server) getConference(c *fiber.Ctx) error {
	view, err := s.app.GetConference(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(view)
}

func (s *Server) createConference(c *fiber.Ctx) error {
	if err := requireLogin(c); err != nil {
		return err
	}
	var in backend.ConferenceInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	view, err := s.app.CreateConference(c.UserContext(), actorOf(c), in)
	if err != nil {
		return err
	}
	c.Location("/api/v1/conferences/" + view.Slug)
	return c.Status(fiber.StatusCreated).JSON(view)
}

func (s *Server) updateConference(c *fiber.Ctx) error {
	if err := requireLogin(c); err != nil {
		return err
	}
	var upd backend.ConferenceUpdate
	if err := decodeBody(c, &upd); err != nil {
		return err
	}
	view, err := s.app.UpdateConference(c.UserContext(), actorOf(c), c.Params("slug"), upd)
	if err != nil {
		return err
	}
	return c.JSON(view)
}

type phaseRequest struct {
	Phase   backend.Phase `json:"phase"`
	Version *int          `json:"version"`
}

func (s *Server) setPhase(c *fiber.Ctx) error {
	if err := requireLogin(c); err != nil {
		return err
	}
	var req phaseRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	view, err := s.app.SetPhase(c.UserContext(), actorOf(c), c.Params("slug"), req.Phase, req.Version)
	if err != nil {
		return err
	}
	return c.JSON(view)
}

func (s *Server) regenerateJoinCode(c *fiber.Ctx) error {
	view, err := s.app.RegenerateJoinCode(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(view)
}

// requireLogin answers 401 before a write's body is even parsed, so that an
// expired session is reported as such rather than as a validation problem.
func requireLogin(c *fiber.Ctx) error {
	if actorOf(c).Account == nil {
		return backend.Errorf(backend.EUNAUTHORIZED, "Please log in.")
	}
	return nil
}
