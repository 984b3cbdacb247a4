package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

type ideaList struct {
	Items []backend.IdeaView `json:"items"`
	Total int                `json:"total"`
}

// ideaID reads the :id path parameter; anything but a positive integer names
// no idea, so it is a 404 like an unknown id.
func ideaID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, backend.Errorf(backend.ENOTFOUND, "Idea not found.")
	}
	return id, nil
}

func (s *Server) listIdeas(c *fiber.Ctx) error {
	q := backend.IdeaQuery{Topic: c.Query("topic"), Department: c.Query("department"),
		Status: backend.IdeaStatus(c.Query("status")), Sort: backend.IdeaSort(c.Query("sort"))}
	var err error
	if q.Offset, err = queryInt(c, "offset", 0); err != nil {
		return err
	}
	if q.Limit, err = queryInt(c, "limit", backend.DefaultPageSize); err != nil {
		return err
	}
	seed, err := queryInt(c, "seed", 0)
	if err != nil {
		return err
	}
	q.Seed = int64(seed)
	items, total, err := s.app.ListIdeas(c.UserContext(), actorOf(c), c.Params("slug"), q)
	if err != nil {
		return err
	}
	return c.JSON(ideaList{Items: items, Total: total})
}

func (s *Server) createIdea(c *fiber.Ctx) error {
	var in backend.IdeaInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	view, err := s.app.SubmitIdea(c.UserContext(), actorOf(c), c.Params("slug"), in)
	if err != nil {
		return err
	}
	c.Location("/api/v1/ideas/" + strconv.FormatInt(view.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(view)
}

func (s *Server) getIdea(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	view, err := s.app.GetIdea(c.UserContext(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(view)
}

func (s *Server) updateIdea(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	var upd backend.IdeaUpdate
	if err := decodeBody(c, &upd); err != nil {
		return err
	}
	view, err := s.app.UpdateIdea(c.UserContext(), actorOf(c), id, upd)
	if err != nil {
		return err
	}
	return c.JSON(view)
}

func (s *Server) ideaVersions(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	versions, err := s.app.IdeaVersions(c.UserContext(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": versions})
}

type supportState struct {
	Supported    bool `json:"supported"`
	SupportCount int  `json:"supportCount"`
}

// setSupport serves PUT (support) and DELETE (withdraw); both are idempotent,
// so a double tap on a phone over bad Wi-Fi changes nothing.
func (s *Server) setSupport(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	on := c.Method() == fiber.MethodPut
	n, err := s.app.SetSupport(c.UserContext(), actorOf(c), id, on)
	if err != nil {
		return err
	}
	return c.JSON(supportState{Supported: on, SupportCount: n})
}
