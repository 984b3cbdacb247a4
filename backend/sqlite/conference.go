package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"ideenmarkt/backend"
)

const conferenceColumns = `id, slug, title, description, starts_at, ends_at, venue, capacity, phase, join_code,
	topics, departments, anonymity, late_ideas, version, created_at, updated_at`

func scanConference(r rowScanner) (*backend.Conference, error) {
	var c backend.Conference
	var starts, ends, created, updated, topics, departments string
	if err := r.Scan(&c.ID, &c.Slug, &c.Title, &c.Description, &starts, &ends, &c.Venue, &c.Capacity, &c.Phase, &c.JoinCode,
		&topics, &departments, &c.Anonymity, &c.LateIdeas, &c.Version, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if c.Topics, err = parseList(topics); err != nil {
		return nil, err
	}
	if c.Departments, err = parseList(departments); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		dst *time.Time
		src string
	}{{&c.StartsAt, starts}, {&c.EndsAt, ends}, {&c.CreatedAt, created}, {&c.UpdatedAt, updated}} {
		if *p.dst, err = parseTime(p.src); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// fmtList stores a list as a JSON array; nil is stored as [].
func fmtList(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(list) // a []string always marshals
	return string(b)
}

// parseList reads a JSON array; it never returns nil, so that JSON shows [] rather than null.
func parseList(s string) ([]string, error) {
	list := []string{}
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return nil, fmt.Errorf("parse list %q: %w", s, err)
	}
	if list == nil { // the text was null
		list = []string{}
	}
	return list, nil
}

// nonNilLists makes c's lists non-nil, so that the caller's struct equals what
// a later read returns.
func nonNilLists(c *backend.Conference) {
	if c.Topics == nil {
		c.Topics = []string{}
	}
	if c.Departments == nil {
		c.Departments = []string{}
	}
}

// FindConferenceByID returns the conference or ENOTFOUND.
func (s *Store) FindConferenceByID(ctx context.Context, id int64) (*backend.Conference, error) {
	c, err := scanConference(s.read.QueryRowContext(ctx, `SELECT `+conferenceColumns+` FROM conferences WHERE id = ?`, id))
	return c, wrap(err, "find conference")
}

// FindConferenceBySlug returns the conference or ENOTFOUND.
func (s *Store) FindConferenceBySlug(ctx context.Context, slug string) (*backend.Conference, error) {
	c, err := scanConference(s.read.QueryRowContext(ctx, `SELECT `+conferenceColumns+` FROM conferences WHERE slug = ?`, slug))
	return c, wrap(err, "find conference")
}

// FindConferences lists conferences by start time, then id.
func (s *Store) FindConferences(ctx context.Context, f backend.ConferenceFilter) ([]*backend.Conference, int, error) {
	where := ""
	if !f.IncludeDrafts {
		where = ` WHERE phase <> 'draft'`
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM conferences`+where).Scan(&total); err != nil {
		return nil, 0, wrap(err, "count conferences")
	}
	offset, limit := backend.Page(f.Offset, f.Limit)
	rows, err := s.read.QueryContext(ctx, `SELECT `+conferenceColumns+` FROM conferences`+where+` ORDER BY starts_at, id LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, 0, wrap(err, "list conferences")
	}
	out, err := collect(rows, scanConference, "list conferences", "scan conference")
	return out, total, err
}

// CreateConference inserts c and records the change.
func (s *Store) CreateConference(ctx context.Context, c *backend.Conference) error {
	return s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		c.Version = 1
		nonNilLists(c)
		err := tx.QueryRowContext(ctx, `INSERT INTO conferences (slug, title, description, starts_at, ends_at, venue, capacity, phase, join_code,
			topics, departments, anonymity, late_ideas, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.Slug, c.Title, c.Description, fmtTime(c.StartsAt), fmtTime(c.EndsAt), c.Venue, c.Capacity, c.Phase, c.JoinCode,
			fmtList(c.Topics), fmtList(c.Departments), c.Anonymity, boolInt(c.LateIdeas), c.Version,
			fmtTime(c.CreatedAt), fmtTime(c.UpdatedAt)).Scan(&c.ID)
		if err != nil {
			return backend.Change{}, wrap(err, "insert conference")
		}
		return backend.Change{Entity: backend.EntityConference, EntityID: c.ID, Op: backend.OpCreate, ConferenceID: c.ID}, nil
	})
}

// UpdateConference writes c if its version is current.
func (s *Store) UpdateConference(ctx context.Context, c *backend.Conference) error {
	return s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		version, err := updateConferenceTx(ctx, tx, c)
		if err != nil {
			return backend.Change{}, err
		}
		c.Version = version
		nonNilLists(c)
		return backend.Change{Entity: backend.EntityConference, EntityID: c.ID, Op: backend.OpUpdate, ConferenceID: c.ID}, nil
	})
}

// updateConferenceTx is the version-checked write of UpdateConference inside
// tx; it returns the new version and leaves c unchanged, so that a rollback
// later in the transaction leaves the caller's conference as it was. A stale
// version is ECONFLICT, a missing id ENOTFOUND.
func updateConferenceTx(ctx context.Context, tx *sql.Tx, c *backend.Conference) (int, error) {
	var version int
	err := tx.QueryRowContext(ctx, `UPDATE conferences SET title = ?, description = ?, starts_at = ?, ends_at = ?, venue = ?, capacity = ?,
		phase = ?, join_code = ?, topics = ?, departments = ?, anonymity = ?, late_ideas = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ? RETURNING version`,
		c.Title, c.Description, fmtTime(c.StartsAt), fmtTime(c.EndsAt), c.Venue, c.Capacity, c.Phase, c.JoinCode,
		fmtList(c.Topics), fmtList(c.Departments), c.Anonymity, boolInt(c.LateIdeas),
		fmtTime(c.UpdatedAt), c.ID, c.Version).Scan(&version)
	if err == sql.ErrNoRows {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM conferences WHERE id = ?)`, c.ID).Scan(&exists); err != nil {
			return 0, wrap(err, "check conference")
		}
		if !exists {
			return 0, backend.Errorf(backend.ENOTFOUND, "Conference not found.")
		}
		return 0, backend.ErrStaleVersion
	}
	if err != nil {
		return 0, wrap(err, "update conference")
	}
	return version, nil
}
