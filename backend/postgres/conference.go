package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

const conferenceColumns = `id, slug, title, description, starts_at, ends_at, venue, capacity, phase, join_code, topics, departments, anonymity, late_ideas, version, created_at, updated_at`

// scanConference reads conferenceColumns plus any extra destinations. pgx
// returns timestamptz in the local zone; the domain speaks UTC. The JSONB
// lists come back as non-nil slices, so that JSON shows [] rather than null.
func scanConference(row pgx.Row, extra ...any) (*backend.Conference, error) {
	var c backend.Conference
	dest := append([]any{&c.ID, &c.Slug, &c.Title, &c.Description, &c.StartsAt, &c.EndsAt, &c.Venue, &c.Capacity,
		&c.Phase, &c.JoinCode, &c.Topics, &c.Departments, &c.Anonymity, &c.LateIdeas,
		&c.Version, &c.CreatedAt, &c.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	c.Topics, c.Departments = list(c.Topics), list(c.Departments)
	c.StartsAt, c.EndsAt = c.StartsAt.UTC(), c.EndsAt.UTC()
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// FindConferenceByID returns the conference or ENOTFOUND.
func (s *Store) FindConferenceByID(ctx context.Context, id int64) (*backend.Conference, error) {
	c, err := scanConference(s.pool.QueryRow(ctx, `SELECT `+conferenceColumns+` FROM conferences WHERE id = $1`, id))
	if err != nil {
		return nil, wrap(err, "find conference")
	}
	return c, nil
}

// FindConferenceBySlug returns the conference or ENOTFOUND.
func (s *Store) FindConferenceBySlug(ctx context.Context, slug string) (*backend.Conference, error) {
	c, err := scanConference(s.pool.QueryRow(ctx, `SELECT `+conferenceColumns+` FROM conferences WHERE slug = $1`, slug))
	if err != nil {
		return nil, wrap(err, "find conference")
	}
	return c, nil
}

// FindConferences lists conferences by start time, then id. The total comes
// from a window function in the same query, so page and total agree; only a
// page past the end needs a second query to learn the total.
func (s *Store) FindConferences(ctx context.Context, f backend.ConferenceFilter) ([]*backend.Conference, int, error) {
	where := ` WHERE phase <> 'draft'`
	if f.IncludeDrafts {
		where = ``
	}
	offset, limit := backend.Page(f.Offset, f.Limit)
	rows, err := s.pool.Query(ctx, `SELECT `+conferenceColumns+`, COUNT(*) OVER () FROM conferences`+where+
		` ORDER BY starts_at, id LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, wrap(err, "list conferences")
	}
	var total int
	scan := func(row pgx.Row) (*backend.Conference, error) { return scanConference(row, &total) }
	out, err := collect(rows, scan, "list conferences", "scan conference")
	if err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && offset > 0 {
		if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM conferences`+where).Scan(&total); err != nil {
			return nil, 0, wrap(err, "count conferences")
		}
	}
	return out, total, nil
}

// CreateConference inserts c, sets its ID and Version and records the change.
// CreatedAt and UpdatedAt are stored as given: the App owns the clock.
func (s *Store) CreateConference(ctx context.Context, c *backend.Conference) error {
	var id int64
	err := s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		err := tx.QueryRow(ctx, `INSERT INTO conferences (slug, title, description, starts_at, ends_at, venue, capacity, phase, join_code,
			topics, departments, anonymity, late_ideas, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $15) RETURNING id`,
			c.Slug, c.Title, c.Description, c.StartsAt, c.EndsAt, c.Venue, c.Capacity, c.Phase, c.JoinCode,
			list(c.Topics), list(c.Departments), c.Anonymity, c.LateIdeas, c.CreatedAt, c.UpdatedAt).Scan(&id)
		if err != nil {
			return backend.Change{}, wrap(err, "insert conference")
		}
		return backend.Change{Entity: backend.EntityConference, EntityID: id, Op: backend.OpCreate, ConferenceID: id}, nil
	})
	if err != nil {
		return err
	}
	c.ID, c.Version = id, 1
	return nil
}

// UpdateConference writes every mutable field of c if c.Version is current,
// then bumps c.Version. A stale version is backend.ErrStaleVersion (ECONFLICT);
// a missing id is ENOTFOUND. Concurrent updates of one version queue on the
// row lock, and all but the first then find the version changed.
func (s *Store) UpdateConference(ctx context.Context, c *backend.Conference) error {
	var version int
	err := s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		v, err := updateConferenceTx(ctx, tx, c)
		if err != nil {
			return backend.Change{}, err
		}
		version = v
		return backend.Change{Entity: backend.EntityConference, EntityID: c.ID, Op: backend.OpUpdate, ConferenceID: c.ID}, nil
	})
	if err != nil {
		return err
	}
	c.Version = version
	return nil
}

// list returns l, or an empty slice for nil: a JSONB list column holds [] and
// never null, and the domain never sees a nil list.
func list(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// updateConferenceTx is the version-checked write of UpdateConference inside
// tx; it returns the new version and leaves c unchanged, so that a rollback
// later in the transaction leaves the caller's conference as it was. A stale
// version is ECONFLICT, a missing id ENOTFOUND. Concurrent writers of the
// conference queue on its row lock, held until commit.
func updateConferenceTx(ctx context.Context, tx pgx.Tx, c *backend.Conference) (int, error) {
	var version int
	err := tx.QueryRow(ctx, `UPDATE conferences SET title = $1, description = $2, starts_at = $3, ends_at = $4, venue = $5,
		capacity = $6, phase = $7, join_code = $8, topics = $9, departments = $10, anonymity = $11, late_ideas = $12,
		version = version + 1, updated_at = $13
		WHERE id = $14 AND version = $15 RETURNING version`,
		c.Title, c.Description, c.StartsAt, c.EndsAt, c.Venue, c.Capacity, c.Phase, c.JoinCode,
		list(c.Topics), list(c.Departments), c.Anonymity, c.LateIdeas, c.UpdatedAt,
		c.ID, c.Version).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM conferences WHERE id = $1)`, c.ID).Scan(&exists); err != nil {
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
