package web

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

// participantCookie holds the browser's participant key: long-lived, because
// an idea market runs for weeks before the conference day.
const (
	participantCookie = "ideenmarkt_participant"
	participantTTL    = 180 * 24 * time.Hour
)

type participantJSON struct {
	Participant *backend.Participant `json:"participant"`
}

// join checks the join code; wrong codes count against the client address like
// failed logins, so codes cannot be guessed.
func (s *Server) join(c *fiber.Ctx) error {
	var in backend.JoinInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	key := "join:" + s.clientIP(c)
	if wait := s.joins.blocked(key); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, retryAfter(wait))
		return backend.Errorf(backend.ERATELIMIT, "Too many wrong join codes. Please wait before trying again.")
	}
	p, pkey, err := s.app.Join(c.UserContext(), actorOf(c), c.Params("slug"), in)
	if err != nil {
		if hasField(err, "code") || hasField(err, "invite") {
			s.joins.fail(key)
		}
		return err
	}
	c.Cookie(&fiber.Cookie{Name: participantCookie, Value: pkey, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.secure, Expires: time.Now().Add(participantTTL)})
	return c.JSON(participantJSON{Participant: p})
}

// membership answers whether this browser joined the conference.
func (s *Server) membership(c *fiber.Ctx) error {
	p, err := s.app.Membership(c.UserContext(), actorOf(c), c.Params("slug"))
	if backend.ErrorCode(err) == backend.ENOTFOUND && p == nil {
		if _, cerr := s.app.GetConference(c.UserContext(), actorOf(c), c.Params("slug")); cerr != nil {
			return cerr
		}
		return c.JSON(participantJSON{})
	}
	if err != nil {
		return err
	}
	return c.JSON(participantJSON{Participant: p})
}

func (s *Server) listParticipants(c *fiber.Ctx) error {
	items, err := s.app.ListParticipants(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

type roleRequest struct {
	Role backend.ConferenceRole `json:"role"`
}

func (s *Server) setParticipantRole(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return backend.Errorf(backend.ENOTFOUND, "Participant not found.")
	}
	var req roleRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	p, err := s.app.SetParticipantRole(c.UserContext(), actorOf(c), c.Params("slug"), id, req.Role)
	if err != nil {
		return err
	}
	return c.JSON(participantJSON{Participant: p})
}

func hasField(err error, field string) bool {
	var be *backend.Error
	if !errors.As(err, &be) {
		return false
	}
	for _, f := range be.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
