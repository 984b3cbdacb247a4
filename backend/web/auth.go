package web

import (
	"crypto/subtle"
	"time"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

// Cookie names. The session cookie is HttpOnly; the CSRF cookie is readable by
// the SPA, which echoes it in the X-CSRF-Token header (double submit).
const (
	sessionCookie = "ideenmarkt_session"
	csrfCookie    = "ideenmarkt_csrf"
	csrfHeader    = "X-CSRF-Token"
	actorKey      = "actor"
)

// csrfCookie hands every client a CSRF token before its first write.
func (s *Server) csrfCookie(c *fiber.Ctx) error {
	if len(c.Cookies(csrfCookie)) < 32 {
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: backend.RandomToken(), Path: "/", SameSite: fiber.CookieSameSiteLaxMode, Secure: s.secure})
	}
	return c.Next()
}

// checkCSRF guards every state change: the Origin (when the browser sends one)
// must be our own, and the X-CSRF-Token header must match the CSRF cookie,
// which another site can neither read nor set.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && origin != s.expectedOrigin(c) {
		return backend.Errorf(backend.EFORBIDDEN, "Cross-origin request refused.")
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return backend.Errorf(backend.EFORBIDDEN, "Cross-site request refused.")
	}
	cookie, header := c.Cookies(csrfCookie), c.Get(csrfHeader)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(header)) != 1 {
		return backend.Errorf(backend.EFORBIDDEN, "Missing or invalid CSRF token. Please reload the page.")
	}
	return c.Next()
}

// loadActor resolves the session cookie. An unknown or expired session makes
// the request anonymous (and clears the cookie); endpoints that need a login
// then answer 401.
func (s *Server) loadActor(c *fiber.Ctx) error {
	actor := backend.Actor{ParticipantKey: c.Cookies(participantCookie)}
	if len(actor.ParticipantKey) > 128 {
		actor.ParticipantKey = ""
	}
	if token := c.Cookies(sessionCookie); token != "" {
		acc, err := s.app.Authenticate(c.UserContext(), token)
		switch backend.ErrorCode(err) {
		case "":
			actor.Account = acc
		case backend.EUNAUTHORIZED:
			s.clearSession(c)
		default:
			return err
		}
	}
	c.Locals(actorKey, actor)
	return c.Next()
}

func actorOf(c *fiber.Ctx) backend.Actor {
	a, _ := c.Locals(actorKey).(backend.Actor)
	return a
}

func (s *Server) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.secure, Expires: time.Unix(0, 0), MaxAge: -1})
}

type accountJSON struct {
	Account *backend.Account `json:"account"`
}

func (s *Server) me(c *fiber.Ctx) error {
	return c.JSON(accountJSON{Account: actorOf(c).Account})
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// login is rate limited per client address and per e-mail address, counting
// failures only, so a colleague's typos cannot lock out a whole office NAT for long.
func (s *Server) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	keys := []string{"ip:" + s.clientIP(c), "email:" + backend.NormalizeEmail(req.Email)}
	for _, k := range keys {
		if wait := s.logins.blocked(k); wait > 0 {
			c.Set(fiber.HeaderRetryAfter, retryAfter(wait))
			return backend.Errorf(backend.ERATELIMIT, "Too many failed logins. Please wait before trying again.")
		}
	}
	acc, token, err := s.app.Login(c.UserContext(), req.Email, req.Password)
	if backend.ErrorCode(err) == backend.EUNAUTHORIZED {
		for _, k := range keys {
			s.logins.fail(k)
		}
	}
	if err != nil {
		return err
	}
	s.logins.reset(keys[1])
	if old := c.Cookies(sessionCookie); old != "" {
		_ = s.app.Logout(c.UserContext(), old) // a new login replaces the old session (no fixation)
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.secure, Expires: time.Now().Add(s.app.SessionTTL)})
	return c.JSON(accountJSON{Account: acc})
}

func (s *Server) logout(c *fiber.Ctx) error {
	if err := s.app.Logout(c.UserContext(), c.Cookies(sessionCookie)); err != nil {
		return err
	}
	s.clearSession(c)
	return c.SendStatus(fiber.StatusNoContent)
}
