package backend

import (
	"context"
	"net/mail"
	"strconv"
	"strings"
)

// MaxInvitesPerRequest bounds one pasted or uploaded list: a large city's
// whole staff, not a spam list.
const MaxInvitesPerRequest = 5000

// IssuedInvite is an invite with its token, which exists only in this answer:
// the store keeps its hash, so the organiser must send the link now.
type IssuedInvite struct {
	*Invite
	Token    string
	Reissued bool // the address had an invite; its old link no longer works
}

// ParseInviteList reads e-mail addresses from pasted text or an uploaded
// file: one or more per line, separated by commas, semicolons or blanks, each
// either bare or as `Name <address>`. A line that starts like a CSV header
// ("email", "e-mail", "mail") is skipped. Duplicates are dropped. Every
// address that is not valid is reported with its line.
func ParseInviteList(text string) ([]string, error) {
	var v Validation
	seen := map[string]bool{}
	var out []string
	invalid := 0
	for n, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		lineNo := n + 1
		line = strings.TrimPrefix(line, "\ufeff")
		items := splitAddresses(line)
		if lineNo == 1 && len(items) > 0 && isEmailHeader(items[0]) {
			continue // a CSV header such as "email;name": the whole line
		}
		for _, item := range items {
			addr, ok := parseAddress(item)
			if !ok {
				if invalid++; invalid <= maxReportedLines { // a wrong file must not give a megabyte answer
					v.AddLine(lineNo, "emails", "invalid", "Keine gültige E-Mail-Adresse: "+clip(item, 80), "Not a valid e-mail address: "+clip(item, 80))
				}
				continue
			}
			if !seen[addr] {
				seen[addr] = true
				out = append(out, addr)
			}
		}
	}
	if invalid > maxReportedLines {
		n := strconv.Itoa(invalid - maxReportedLines)
		v.Add("emails", "more_errors", "… und "+n+" weitere ungültige Adressen.", "… and "+n+" more invalid addresses.")
	}
	switch {
	case v.Err() != nil:
		return nil, v.Err()
	case len(out) == 0:
		v.Add("emails", "required", "Bitte mindestens eine E-Mail-Adresse angeben.", "Please enter at least one e-mail address.")
		return nil, v.Err()
	case len(out) > MaxInvitesPerRequest:
		v.Add("emails", "too_many", "Bitte höchstens 5000 Adressen auf einmal.", "Please send at most 5,000 addresses at once.")
		return nil, v.Err()
	}
	return out, nil
}

// splitAddresses splits a line at commas, semicolons and blanks, keeping
// `Name <address>` together.
func splitAddresses(line string) []string {
	var out []string
	var cur strings.Builder
	inAngle, inQuote, hasAt := false, false, false
	flush := func() {
		s := strings.TrimSpace(cur.String())
		switch {
		case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
			// A quoted CSV field, perhaps `"Erika Muster <e@x.de>"`.
			s = strings.TrimSpace(strings.ReplaceAll(s[1:len(s)-1], `""`, `"`))
		case !strings.Contains(s, "<"): // keep `"Muster, Erika" <e@x.de>` whole
			s = strings.Trim(s, `"'`)
		}
		if s != "" {
			out = append(out, s)
		}
		cur.Reset()
		hasAt = false
	}
	for _, r := range line {
		switch {
		case r == '"' && !inAngle:
			inQuote = !inQuote // a quoted display name may hold commas
			cur.WriteRune(r)
		case inQuote:
			cur.WriteRune(r)
		case r == '<':
			inAngle = true
			cur.WriteRune(r)
		case r == '>':
			inAngle = false
			cur.WriteRune(r)
			flush()
		case !inAngle && (r == ',' || r == ';' || r == '\t'):
			flush()
		case !inAngle && r == ' ' && hasAt:
			flush() // "a@b.de c@d.de": blanks separate bare addresses
		default:
			hasAt = hasAt || r == '@'
			cur.WriteRune(r)
		}
	}
	flush()
	// A display name without angle brackets leaves words without "@": they
	// belong to the address that follows, as in `Erika Muster <e@x.de>`.
	merged := out[:0]
	var name []string
	for _, s := range out {
		if !strings.Contains(s, "@") && !isEmailHeader(s) {
			name = append(name, s)
			continue
		}
		merged = append(merged, s)
		name = nil
	}
	if len(merged) == 0 {
		merged = append(merged, name...) // a line without any address: reported as invalid
	}
	// Words after the last address are another column of a mail-merge list
	// ("a@x.de;Anna") and are dropped like a name column before it.
	return merged
}

func isEmailHeader(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "email", "e-mail", "mail", "e-mail-adresse", "email address", "adresse":
		return true
	}
	return false
}

func parseAddress(s string) (string, bool) {
	a, err := mail.ParseAddress(s)
	if err != nil || len(a.Address) > 254 {
		return "", false
	}
	addr := NormalizeEmail(a.Address)
	if at := strings.LastIndexByte(addr, '@'); at < 1 || !strings.Contains(addr[at:], ".") {
		return "", false // an intranet needs real domains: "a@b" is a typo
	}
	return addr, true
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// CreateInvites makes a personal invite link for every address in text, for
// organisers. An address invited before gets a new link (the old one stops
// working). Invalid addresses reject the whole list, each with its line.
func (a *App) CreateInvites(ctx context.Context, actor Actor, slug, text string) ([]IssuedInvite, error) {
	if err := requireOrganizer(actor); err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	if c.Phase == PhaseArchived {
		return nil, Errorf(ECONFLICT, "The conference is archived.")
	}
	addrs, err := ParseInviteList(text)
	if err != nil {
		return nil, err
	}
	existing, err := a.Store.FindInvites(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	had := map[string]bool{}
	for _, inv := range existing {
		had[inv.Email] = true
	}
	now := a.now()
	invites := make([]*Invite, len(addrs))
	out := make([]IssuedInvite, len(addrs))
	for n, addr := range addrs {
		token := RandomToken()
		invites[n] = &Invite{ConferenceID: c.ID, Email: addr, TokenHash: HashToken(token), CreatedAt: now}
		out[n] = IssuedInvite{Invite: invites[n], Token: token, Reissued: had[addr]}
	}
	if err := a.Store.SaveInvites(ctx, c.ID, invites); err != nil {
		return nil, err
	}
	return out, nil
}

// ListInvites returns a conference's invites (without links), for organisers.
func (a *App) ListInvites(ctx context.Context, actor Actor, slug string) ([]*Invite, error) {
	if err := requireOrganizer(actor); err != nil {
		return nil, err
	}
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	return a.Store.FindInvites(ctx, c.ID)
}

// Leave ends the actor's membership in a conference and erases their
// personal data: name and department go, their ideas and comments stay
// without a name, their supports keep counting. It is allowed in every phase,
// because erasure is a right, not a feature of a phase.
func (a *App) Leave(ctx context.Context, actor Actor, slug string) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	p, err := a.Membership(ctx, actor, slug)
	if err != nil {
		return err
	}
	return a.Store.EraseParticipant(ctx, p.ID, a.now())
}
