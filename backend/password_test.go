package backend_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"ideenmarkt/backend"
)

// MustHashPassword hashes password and fails the test on error.
func MustHashPassword(tb testing.TB, password string) string {
	tb.Helper()
	h, err := backend.HashPassword(password)
	if err != nil {
		tb.Fatalf("hash password: %v", err)
	}
	return h
}

func TestPasswordHash(t *testing.T) {
	const pw = "Rathaus-Ideen-2026 äöü 🗳"
	hash := MustHashPassword(t, pw)

	t.Run("is a PHC argon2id string with the documented parameters", func(t *testing.T) {
		if want := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(hash, want) {
			t.Fatalf("hash = %q, want prefix %q", hash, want)
		}
		if strings.Contains(hash, pw) {
			t.Fatalf("hash %q contains the password", hash)
		}
	})
	t.Run("the right password verifies", func(t *testing.T) {
		if !backend.CheckPassword(hash, pw) {
			t.Fatal("CheckPassword(hash, right) = false, want true")
		}
	})
	t.Run("a wrong password does not", func(t *testing.T) {
		for _, wrong := range []string{"", pw + " ", strings.ToUpper(pw), pw[:len(pw)-1], "rathaus-ideen-2026 äöü 🗳"} {
			if backend.CheckPassword(hash, wrong) {
				t.Errorf("CheckPassword(hash, %q) = true, want false", wrong)
			}
		}
	})
	t.Run("every hash has its own salt", func(t *testing.T) {
		if other := MustHashPassword(t, pw); other == hash || !backend.CheckPassword(other, pw) {
			t.Fatalf("second hash %q: want a different string that also verifies", other)
		}
	})
	t.Run("the empty password round-trips", func(t *testing.T) {
		h := MustHashPassword(t, "")
		if !backend.CheckPassword(h, "") || backend.CheckPassword(h, " ") {
			t.Fatal("empty password: want exactly \"\" to verify")
		}
	})
	t.Run("hashes with other parameters still verify", func(t *testing.T) {
		salt := []byte("0123456789abcdef")
		key := argon2.IDKey([]byte(pw), salt, 1, 64, 2, 16)
		enc := base64.RawStdEncoding
		old := fmt.Sprintf("$argon2id$v=19$m=64,t=1,p=2$%s$%s", enc.EncodeToString(salt), enc.EncodeToString(key))
		if !backend.CheckPassword(old, pw) || backend.CheckPassword(old, "falsch") {
			t.Fatalf("hash %q: want only the right password to verify", old)
		}
	})

	parts := strings.Split(hash, "$") // "", argon2id, v=19, m=…, salt, key
	tampered := map[string]string{
		"key changed":       strings.Join(replace(parts, 5, flipFirst(parts[5])), "$"),
		"salt changed":      strings.Join(replace(parts, 4, flipFirst(parts[4])), "$"),
		"key truncated":     strings.Join(replace(parts, 5, parts[5][:len(parts[5])-4]), "$"),
		"passes changed":    strings.Replace(hash, "t=2", "t=3", 1),
		"memory changed":    strings.Replace(hash, "m=19456", "m=19457", 1),
		"threads changed":   strings.Replace(hash, "p=1", "p=2", 1),
		"algorithm argon2i": strings.Replace(hash, "argon2id", "argon2i", 1),
	}
	for name, h := range tampered {
		t.Run("tampered hash does not verify: "+name, func(t *testing.T) {
			if h == hash {
				t.Fatalf("tampering did not change the hash %q", h)
			}
			if backend.CheckPassword(h, pw) {
				t.Fatalf("CheckPassword(%q, right) = true, want false", h)
			}
		})
	}
}

func TestCheckPasswordMalformedHashes(t *testing.T) {
	const salt, key = "MDEyMzQ1Njc4OWFiY2RlZg", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	malformed := []string{
		"", "$", "$$$$$", "$$$$$$", "plaintext", "korrekt-pferd-batterie",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", // bcrypt
		"$argon2id$",
		"$argon2id$v=19$m=19456,t=2,p=1$$",
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$" + key,
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$***",
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "=$" + key,
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "$extra",
		"$argon2id$v=19$m=0,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=19456,t=2,p=256$" + salt + "$" + key,
		"$argon2id$v=19$m=-1,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=4294967296,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=2097153,t=1,p=1$" + salt + "$" + key, // above the 2 GiB cap
		"$argon2id$v=19$m=abc,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key, // well-formed, wrong key
		"$argon2id$v=19$m=8,t=1,p=1$$" + key,             // empty salt
		"$argon2id$v=19$m=8,t=1,p=1$\x00$" + key,
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + strings.Repeat("A", 10000),
	}
	for _, h := range malformed {
		name := h
		if len(name) > 60 {
			name = name[:60] + "…"
		}
		t.Run(fmt.Sprintf("%q is rejected without panic", name), func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("CheckPassword panicked: %v", r)
				}
			}()
			if backend.CheckPassword(h, "korrekt-pferd-batterie") {
				t.Fatal("CheckPassword = true, want false")
			}
		})
	}
}

func replace(parts []string, i int, v string) []string {
	out := append([]string(nil), parts...)
	out[i] = v
	return out
}

// flipFirst changes the first base64 character to another valid one.
func flipFirst(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}
