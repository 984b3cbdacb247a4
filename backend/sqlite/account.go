package sqlite

import (
	"context"
	"database/sql"

	"ideenmarkt/backend"
)

func scanAccount(r rowScanner) (*backend.Account, error) {
	var a backend.Account
	var created string
	if err := r.Scan(&a.ID, &a.Email, &a.Name, &a.Role, &a.PasswordHash, &created); err != nil {
		return nil, err
	}
	var err error
	a.CreatedAt, err = parseTime(created)
	return &a, err
}

const accountColumns = `id, email, name, role, password_hash, created_at`

// CountAccounts returns the number of accounts.
func (s *Store) CountAccounts(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&n)
	return n, wrap(err, "count accounts")
}

// CreateAccount inserts a; a taken e-mail is ECONFLICT.
func (s *Store) CreateAccount(ctx context.Context, a *backend.Account) error {
	return s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		err := tx.QueryRowContext(ctx, `INSERT INTO accounts (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			a.Email, a.Name, a.Role, a.PasswordHash, fmtTime(a.CreatedAt)).Scan(&a.ID)
		if err != nil {
			return backend.Change{}, wrap(err, "insert account")
		}
		return backend.Change{Entity: backend.EntityAccount, EntityID: a.ID, Op: backend.OpCreate}, nil
	})
}

// FindAccountByID returns the account or ENOTFOUND.
func (s *Store) FindAccountByID(ctx context.Context, id int64) (*backend.Account, error) {
	a, err := scanAccount(s.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	return a, wrap(err, "find account")
}

// FindAccountByEmail returns the account or ENOTFOUND.
func (s *Store) FindAccountByEmail(ctx context.Context, email string) (*backend.Account, error) {
	a, err := scanAccount(s.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email = ?`, email))
	return a, wrap(err, "find account")
}
