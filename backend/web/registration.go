package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

// The registration routes (docs/registration.md). A registrant's own
// routes are authorised by the personal link's token, which the page sends
// in the X-Registration-Token header: a header, not the URL, so that the
// token does not end up in access logs or Referer headers.

const registrationTokenHeader = "X-Registration-Token"

func registrationToken(c *fiber.Ctx) string { return c.Get(registrationTokenHeader) }

func (s *Server) register(c *fiber.Ctx) error {
	var in backend.RegistrationInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	key := "register:" + s.clientIP(c)
	if wait := s.registrations.blocked(key); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, retryAfter(wait))
		return backend.Errorf(backend.ERATELIMIT, "Too many registrations from this network. Please wait before trying again.")
	}
	s.registrations.fail(key) // every attempt counts: each may send a mail
	ack, err := s.app.Register(c.UserContext(), actorOf(c), c.Params("slug"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(ack)
}

func (s *Server) myRegistration(c *fiber.Ctx) error {
	v, err := s.app.MyRegistration(c.UserContext(), registrationToken(c))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) updateMyRegistration(c *fiber.Ctx) error {
	var in backend.RegistrationUpdate
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	v, err := s.app.UpdateMyRegistration(c.UserContext(), registrationToken(c), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// registrationAction runs confirm, cancel or accept.
func (s *Server) registrationAction(c *fiber.Ctx) error {
	var v *backend.RegistrationView
	var err error
	ctx, token := c.UserContext(), registrationToken(c)
	switch c.Params("action") {
	case "confirm":
		v, err = s.app.ConfirmRegistration(ctx, token)
	case "cancel":
		v, err = s.app.CancelMyRegistration(ctx, token)
	case "accept":
		v, err = s.app.AcceptOffer(ctx, token)
	default:
		return backend.Errorf(backend.ENOTFOUND, "Unknown action.")
	}
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) exportMyRegistration(c *fiber.Ctx) error {
	e, err := s.app.ExportMyRegistration(c.UserContext(), registrationToken(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="anmeldung-`+e.Conference.Slug+`.json"`)
	return c.JSON(e)
}

func (s *Server) eraseMyRegistration(c *fiber.Ctx) error {
	if err := s.app.EraseMyRegistration(c.UserContext(), registrationToken(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) registrationSettings(c *fiber.Ctx) error {
	v, err := s.app.GetRegistrationSettings(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) saveRegistrationSettings(c *fiber.Ctx) error {
	var in backend.RegistrationSettingsInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	v, err := s.app.SaveRegistrationSettings(c.UserContext(), actorOf(c), c.Params("slug"), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) registrationDashboard(c *fiber.Ctx) error {
	d, err := s.app.GetRegistrationDashboard(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) listRegistrations(c *fiber.Ctx) error {
	f := backend.RegistrationFilter{Query: c.Query("q")}
	var err error
	if f.Offset, err = queryInt(c, "offset", 0); err != nil {
		return err
	}
	if f.Limit, err = queryInt(c, "limit", backend.DefaultPageSize); err != nil {
		return err
	}
	for _, st := range c.Context().QueryArgs().PeekMulti("status") {
		f.Statuses = append(f.Statuses, backend.RegistrationStatus(st))
	}
	items, total, err := s.app.ListRegistrations(c.UserContext(), actorOf(c), c.Params("slug"), f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []*backend.Registration{}
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) cancelRegistrationFor(c *fiber.Ctx) error {
	id, err := pathID(c, "Registration")
	if err != nil {
		return err
	}
	r, err := s.app.CancelRegistrationFor(c.UserContext(), actorOf(c), c.Params("slug"), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) checkIn(c *fiber.Ctx) error {
	var in backend.CheckInInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	res, err := s.app.CheckIn(c.UserContext(), actorOf(c), c.Params("slug"), in)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// walkInJSON is a walk-in as the door's form sends it: the registration's
// fields and the door. They are spelled out, not embedded, because
// decodeBody knows only a struct's own tagged fields.
type walkInJSON struct {
	Name          string `json:"name"`
	Email         string `json:"email"`
	Department    string `json:"department"`
	Accessibility string `json:"accessibility"`
	Locale        string `json:"locale"`
	RequestKey    string `json:"requestKey"`
	Door          string `json:"door"`
}

func (s *Server) walkIn(c *fiber.Ctx) error {
	var in walkInJSON
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	reg := backend.RegistrationInput{Name: in.Name, Email: in.Email, Department: in.Department, Accessibility: in.Accessibility,
		Locale: in.Locale, RequestKey: in.RequestKey}
	res, err := s.app.WalkIn(c.UserContext(), actorOf(c), c.Params("slug"), reg, in.Door)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(res)
}

// attendanceCSV is the attendance statistics as a two-column table, the
// way organisers paste them into a report.
func (s *Server) attendanceCSV(c *fiber.Ctx) error {
	d, err := s.app.GetRegistrationDashboard(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	n := d.Counts
	rows := [][]string{
		{"Kennzahl", "Wert"},
		{"Kapazität", strconv.Itoa(d.Settings.Capacity)},
		{"Obergrenze Veranstaltungsort", strconv.Itoa(d.Settings.VenueLimit)},
		{"Bestätigungsgrenze", strconv.Itoa(d.Settings.ConfirmLimit)},
		{"Angemeldet (bestätigt, ohne Spontane)", strconv.Itoa(n.Confirmed - n.WalkIns)},
		{"Noch nicht per E-Mail bestätigt", strconv.Itoa(n.Pending)},
		{"Warteliste", strconv.Itoa(n.Waitlisted)},
		{"Offene Platzangebote", strconv.Itoa(n.Offered)},
		{"Nachgerückt", strconv.Itoa(n.Promoted)},
		{"Storniert", strconv.Itoa(n.Cancelled)},
		{"Angebot verfallen", strconv.Itoa(n.Lapsed)},
		{"Spontan vor Ort", strconv.Itoa(n.WalkIns)},
		{"Eingecheckt", strconv.Itoa(n.CheckedIn)},
		{"Nicht erschienen", strconv.Itoa(d.NoShows)},
		{"Erwartete Ausfallquote", formatRate(d.Settings.NoShowRate)},
	}
	if r := d.Settings.MeasuredNoShowRate; r != nil {
		rows = append(rows, []string{"Gemessene Ausfallquote", formatRate(*r)})
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+c.Params("slug")+`-teilnahme-`+time.Now().In(exportZone).Format("2006-01-02")+`.csv"`)
	c.Type("csv", "utf-8")
	return c.Send(csvTable(rows))
}

// formatRate writes a share as German percent ("12,5 %").
func formatRate(r float64) string {
	return strings.Replace(strconv.FormatFloat(r*100, 'f', 1, 64), ".", ",", 1) + " %"
}
