package web

import (
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

// pathID reads a positive :id; anything else names nothing, so it is a 404
// with the entity's own message.
func pathID(c *fiber.Ctx, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, backend.Errorf(backend.ENOTFOUND, "%s not found.", what)
	}
	return id, nil
}

func (s *Server) listSessions(c *fiber.Ctx) error {
	ag, err := s.app.ListSessions(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(ag)
}

func (s *Server) createSession(c *fiber.Ctx) error {
	var in backend.AgendaInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	v, err := s.app.CreateSession(c.UserContext(), actorOf(c), c.Params("slug"), in)
	if err != nil {
		return err
	}
	c.Location("/api/v1/sessions/" + strconv.FormatInt(v.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *Server) getSession(c *fiber.Ctx) error {
	id, err := pathID(c, "Session")
	if err != nil {
		return err
	}
	v, err := s.app.GetSession(c.UserContext(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) updateSession(c *fiber.Ctx) error {
	id, err := pathID(c, "Session")
	if err != nil {
		return err
	}
	var in backend.AgendaInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	v, err := s.app.UpdateSession(c.UserContext(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) deleteSession(c *fiber.Ctx) error {
	id, err := pathID(c, "Session")
	if err != nil {
		return err
	}
	if err := s.app.DeleteSession(c.UserContext(), actorOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listRounds(c *fiber.Ctx) error {
	id, err := pathID(c, "Session")
	if err != nil {
		return err
	}
	items, err := s.app.ListRounds(c.UserContext(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) createRound(c *fiber.Ctx) error {
	id, err := pathID(c, "Session")
	if err != nil {
		return err
	}
	var in backend.RoundInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	v, err := s.app.CreateRound(c.UserContext(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	c.Location("/api/v1/rounds/" + strconv.FormatInt(v.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *Server) getRound(c *fiber.Ctx) error {
	id, err := pathID(c, "Vote")
	if err != nil {
		return err
	}
	v, err := s.app.GetRound(c.UserContext(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) updateRound(c *fiber.Ctx) error {
	id, err := pathID(c, "Vote")
	if err != nil {
		return err
	}
	var in backend.RoundInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	v, err := s.app.UpdateRound(c.UserContext(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) deleteRound(c *fiber.Ctx) error {
	id, err := pathID(c, "Vote")
	if err != nil {
		return err
	}
	if err := s.app.DeleteRound(c.UserContext(), actorOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type versionRequest struct {
	Version int `json:"version"`
}

// roundAction serves open, close, reveal and reset.
func (s *Server) roundAction(c *fiber.Ctx) error {
	id, err := pathID(c, "Vote")
	if err != nil {
		return err
	}
	ctx, actor := c.UserContext(), actorOf(c)
	var v backend.RoundView
	switch c.Params("action") {
	case "open":
		var in backend.OpenInput
		if err := decodeBody(c, &in); err != nil {
			return err
		}
		v, err = s.app.OpenRound(ctx, actor, id, in)
	case "close", "reveal":
		var in versionRequest
		if err := decodeBody(c, &in); err != nil {
			return err
		}
		if c.Params("action") == "close" {
			v, err = s.app.CloseRound(ctx, actor, id, in.Version)
		} else {
			v, err = s.app.RevealRound(ctx, actor, id, in.Version)
		}
	case "reset":
		var in backend.ResetInput
		if err := decodeBody(c, &in); err != nil {
			return err
		}
		v, err = s.app.ResetRound(ctx, actor, id, in)
	default:
		return fiber.NewError(fiber.StatusNotFound, "No such API endpoint.")
	}
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) castBallot(c *fiber.Ctx) error {
	id, err := pathID(c, "Vote")
	if err != nil {
		return err
	}
	var in backend.BallotInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	rcpt, err := s.app.CastBallot(c.UserContext(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	s.metrics.ballots.WithLabelValues(string(rcpt.Outcome)).Inc()
	if rcpt.Outcome == backend.CastCreated {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(rcpt)
}

func (s *Server) roundResults(c *fiber.Ctx) error    { return s.serveResults(c, false) }
func (s *Server) roundResultsCSV(c *fiber.Ctx) error { return s.serveResults(c, true) }

// serveResults answers JSON, or a CSV download of one row per option.
func (s *Server) serveResults(c *fiber.Ctx, asCSV bool) error {
	id, err := pathID(c, "Vote")
	if err != nil {
		return err
	}
	res, r, err := s.app.RoundResults(c.UserContext(), actorOf(c), id)
	if err != nil {
		return err
	}
	if !asCSV {
		return c.JSON(res)
	}
	var b strings.Builder
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Write([]string{"rank", "option", "idea_id", "votes", "no", "points", "mean", "stars_1", "stars_2", "stars_3", "stars_4", "stars_5"})
	for _, o := range res.Options {
		idea := ""
		if o.IdeaID != nil {
			idea = strconv.FormatInt(*o.IdeaID, 10)
		}
		row := []string{strconv.Itoa(o.Rank), csvSafe(o.Label), idea, strconv.Itoa(o.Votes), strconv.Itoa(o.No), strconv.Itoa(o.Points), strconv.FormatFloat(o.Mean, 'f', 2, 64)}
		for i := range 5 {
			n := 0
			if len(o.Distribution) == 5 {
				n = o.Distribution[i]
			}
			row = append(row, strconv.Itoa(n))
		}
		w.Write(row)
	}
	w.Write([]string{})
	w.Write([]string{"ballots", strconv.Itoa(res.Ballots), "eligible", strconv.Itoa(res.Eligible), "method", string(r.Method), "state", string(r.State)})
	w.Flush()
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="abstimmung-`+strconv.FormatInt(id, 10)+`.csv"`)
	c.Type("csv", "utf-8")
	return c.SendString(b.String())
}

func (s *Server) ideaResults(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	items, err := s.app.IdeaResults(c.UserContext(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}
