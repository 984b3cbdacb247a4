package web

import (
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

func (s *Server) moderationQueue(c *fiber.Ctx) error {
	q, err := s.app.Queue(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(q)
}

type moderationRequest struct {
	Action string   `json:"action"`
	Reason string   `json:"reason"`
	Tags   []string `json:"tags"`
}

func (s *Server) moderateIdea(c *fiber.Ctx) error {
	id, err := ideaID(c)
	if err != nil {
		return err
	}
	var req moderationRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	view, err := s.app.ModerateIdea(c.UserContext(), actorOf(c), id, backend.IdeaModeration{Action: req.Action, Reason: req.Reason, Tags: req.Tags})
	if err != nil {
		return err
	}
	return c.JSON(view)
}

func (s *Server) moderateComment(c *fiber.Ctx) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	var req moderationRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	cm, err := s.app.ModerateComment(c.UserContext(), actorOf(c), id, req.Action, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(cm)
}

func (s *Server) report(c *fiber.Ctx) error {
	var in backend.ReportInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	if err := s.app.Report(c.UserContext(), actorOf(c), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// auditLog serves the log as JSON, or with ?format=csv as a download for the
// organising team's records (UTF-8 with BOM, so spreadsheet programs show
// umlauts correctly).
func (s *Server) auditLog(c *fiber.Ctx) error {
	if c.Query("format") == "csv" {
		var all []*backend.AuditEntry
		for offset := 0; ; offset += backend.MaxPageSize {
			page, total, err := s.app.AuditLog(c.UserContext(), actorOf(c), c.Params("slug"), offset, backend.MaxPageSize)
			if err != nil {
				return err
			}
			all = append(all, page...)
			if len(all) >= total || len(page) == 0 {
				break
			}
		}
		var b strings.Builder
		b.WriteString("\ufeff")
		w := csv.NewWriter(&b)
		w.Write([]string{"time", "actor", "action", "entity", "entity_id", "reason"})
		for _, e := range all {
			w.Write([]string{e.CreatedAt.Format(time.RFC3339), csvSafe(e.Actor), e.Action, e.Entity, strconv.FormatInt(e.EntityID, 10), csvSafe(e.Reason)})
		}
		w.Flush()
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="audit-`+c.Params("slug")+`.csv"`)
		c.Type("csv", "utf-8")
		return c.SendString(b.String())
	}
	offset, err := queryInt(c, "offset", 0)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", backend.DefaultPageSize)
	if err != nil {
		return err
	}
	items, total, err := s.app.AuditLog(c.UserContext(), actorOf(c), c.Params("slug"), offset, limit)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

// csvSafe defuses spreadsheet formulas (CSV injection): a cell that starts
// with = + - @ or a control character gets a leading apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
