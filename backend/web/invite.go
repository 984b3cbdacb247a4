package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

type inviteRequest struct {
	Emails string `json:"emails"`
}

// issuedInviteJSON carries the personal link, which exists only in this
// answer: the server keeps the token's hash.
type issuedInviteJSON struct {
	*backend.Invite
	Link     string `json:"link"`
	Reissued bool   `json:"reissued"`
}

func (s *Server) createInvites(c *fiber.Ctx) error {
	var req inviteRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	issued, err := s.app.CreateInvites(c.UserContext(), actorOf(c), c.Params("slug"), req.Emails)
	if err != nil {
		return err
	}
	items := make([]issuedInviteJSON, len(issued))
	for n, inv := range issued {
		items[n] = issuedInviteJSON{Invite: inv.Invite, Reissued: inv.Reissued,
			Link: s.publicURL(c) + "/conferences/" + url.PathEscape(c.Params("slug")) + "/join?invite=" + url.QueryEscape(inv.Token)}
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"items": items})
}

func (s *Server) listInvites(c *fiber.Ctx) error {
	items, err := s.app.ListInvites(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// leave erases the participant's personal data in the conference. The
// browser key stays: it may still be a member of other conferences.
func (s *Server) leave(c *fiber.Ctx) error {
	if err := s.app.Leave(c.UserContext(), actorOf(c), c.Params("slug")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// publicURL is the configured public URL, or the request's own origin when
// none is configured (local use), for links that leave the browser.
func (s *Server) publicURL(c *fiber.Ctx) string {
	if s.opts.BaseURL != "" {
		u, err := url.Parse(s.opts.BaseURL)
		if err == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host + trimSlash(u.Path)
		}
	}
	return c.BaseURL()
}

func trimSlash(p string) string {
	for len(p) > 0 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	return p
}
