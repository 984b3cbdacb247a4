package web_test

import (
	"testing"

	"ideenmarkt/backend/postgres/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster that benchmarks start.
func TestMain(m *testing.M) { pgtest.Main(m) }
