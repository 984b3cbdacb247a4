package backend

import (
	"context"
	"time"
)

// A registrant's rights over their data (GDPR Art. 15, 17, 20): download
// everything stored about the registration, and erase it. Erasing keeps a
// row without personal data, so that the attendance statistics stay right.

// RegistrationExport is the registrant's data as JSON.
type RegistrationExport struct {
	ExportedAt   time.Time              `json:"exportedAt"`
	Conference   RegistrationConference `json:"conference"`
	Registration Registration           `json:"registration"`
	Mails        []ExportedMail         `json:"mails"`
}

// ExportedMail is a mail sent (or to be sent) to the registrant, without
// the links: they carry personal tokens, current or spent.
type ExportedMail struct {
	Template  string     `json:"template"`
	To        string     `json:"to"`
	CreatedAt time.Time  `json:"createdAt"`
	SentAt    *time.Time `json:"sentAt,omitempty"`
}

// ExportMyRegistration returns everything stored about the registration.
func (a *App) ExportMyRegistration(ctx context.Context, token string) (*RegistrationExport, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	r, c, err := a.registrationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	mails, err := a.Store.FindMails(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	out := &RegistrationExport{ExportedAt: a.now(), Registration: *r, Mails: []ExportedMail{},
		Conference: RegistrationConference{Slug: c.Slug, Title: c.Title, StartsAt: c.StartsAt, EndsAt: c.EndsAt, Venue: c.Venue, Phase: c.Phase}}
	for _, m := range mails {
		out.Mails = append(out.Mails, ExportedMail{Template: m.Template, To: m.To, CreatedAt: m.CreatedAt, SentAt: m.SentAt})
	}
	return out, nil
}

// EraseMyRegistration cancels the registration if it is still active (its
// place goes to the waitlist), then removes name, address, department and
// needs, the mails, and the link: it stops working.
func (a *App) EraseMyRegistration(ctx context.Context, token string) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	r, c, err := a.registrationByToken(ctx, token)
	if err != nil {
		return err
	}
	if r.Status.Active() && r.CheckedInAt == nil {
		if _, err := a.cancelRegistration(ctx, c, r.ID, ""); err != nil {
			return err
		}
	}
	return a.eraseRegistration(ctx, c, r.ID)
}

// eraseRegistration removes a registration's personal data and mails.
func (a *App) eraseRegistration(ctx context.Context, c *Conference, id int64) error {
	now := a.now()
	err := a.Store.ChangeRegistrations(ctx, c.ID, func(tx RegistrationTx) error {
		cur, err := tx.Find(id)
		if err != nil {
			return err
		}
		if cur.ErasedAt != nil {
			return nil
		}
		cur.Name, cur.Email, cur.Department, cur.Accessibility, cur.RequestKey = "", "", "", "", ""
		cur.TokenHash = HashToken(RandomToken()) // the link stops working
		cur.ErasedAt, cur.UpdatedAt = &now, now
		return tx.Update(cur)
	})
	if err != nil {
		return err
	}
	return a.Store.DeleteMails(ctx, id)
}
