package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

const accountColumns = `id, email, name, role, password_hash, created_at`

func scanAccount(row pgx.Row) (*backend.Account, error) {
	var a backend.Account
	if err := row.Scan(&a.ID, &a.Email, &a.Name, &a.Role, &a.PasswordHash, &a.CreatedAt); err != nil {
		return nil, err
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, nil
}

// CountAccounts returns how many accounts exist.
func (s *Store) CountAccounts(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&n); err != nil {
		return 0, wrap(err, "count accounts")
	}
	return n, nil
}

// CreateAccount inserts a, sets its ID and records the change; a taken e-mail
// is ECONFLICT. The address is stored as given: the App normalizes it.
func (s *Store) CreateAccount(ctx context.Context, a *backend.Account) error {
	var id int64
	err := s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		err := tx.QueryRow(ctx, `INSERT INTO accounts (email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			a.Email, a.Name, a.Role, a.PasswordHash, a.CreatedAt).Scan(&id)
		if err != nil {
			return backend.Change{}, wrap(err, "insert account")
		}
		return backend.Change{Entity: backend.EntityAccount, EntityID: id, Op: backend.OpCreate}, nil
	})
	if err != nil {
		return err
	}
	a.ID = id
	return nil
}

// FindAccountByID returns the account or ENOTFOUND.
func (s *Store) FindAccountByID(ctx context.Context, id int64) (*backend.Account, error) {
	a, err := scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id))
	if err != nil {
		return nil, wrap(err, "find account")
	}
	return a, nil
}

// FindAccountByEmail returns the account with exactly this (normalized)
// address, or ENOTFOUND.
func (s *Store) FindAccountByEmail(ctx context.Context, email string) (*backend.Account, error) {
	a, err := scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email = $1`, email))
	if err != nil {
		return nil, wrap(err, "find account")
	}
	return a, nil
}
