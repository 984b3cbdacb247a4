package deploy

import (
	"bufio"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
)

// Values handed to the loader in place of the operator's .env.
const (
	testPostgresPassword = "pg-test-secret-4f7c"
	testMeiliKey         = "meili-test-master-key-0123456789"
)

// requiredSecrets is the environment with every required variable set.
func requiredSecrets() map[string]string {
	return map[string]string{
		"POSTGRES_PASSWORD": testPostgresPassword,
		"MEILI_MASTER_KEY":  testMeiliKey,
	}
}

// repoRoot is the directory holding compose.yaml and the Dockerfile.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		tb.Fatalf("resolve repository root: %v", err)
	}
	return root
}

// loadCompose loads ../compose.yaml as `docker compose` would, but with env as
// the only environment: neither the process environment nor a developer's
// .env leaks in, so the missing-secret cases stay hermetic.
func loadCompose(tb testing.TB, env map[string]string) (*types.Project, error) {
	tb.Helper()
	root := repoRoot(tb)
	details := types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(root, "compose.yaml")}},
		Environment: env,
	}
	return loader.LoadWithContext(tb.Context(), details, func(o *loader.Options) {
		o.SetProjectName("ideenmarkt", true)
	})
}

// MustLoadCompose loads compose.yaml with all required secrets set.
func MustLoadCompose(tb testing.TB) *types.Project {
	tb.Helper()
	p, err := loadCompose(tb, requiredSecrets())
	if err != nil {
		tb.Fatalf("load compose.yaml: %v", err)
	}
	return p
}

// mustService returns the named service or stops the test.
func mustService(tb testing.TB, p *types.Project, name string) types.ServiceConfig {
	tb.Helper()
	s, ok := p.Services[name]
	if !ok {
		tb.Fatalf("service %q missing; have %v", name, p.ServiceNames())
	}
	return s
}

// env returns a service's resolved environment value ("" when unset).
func env(s types.ServiceConfig, key string) string {
	if v := s.Environment[key]; v != nil {
		return *v
	}
	return ""
}

func TestCompose(t *testing.T) {
	p := MustLoadCompose(t)
	app := mustService(t, p, "app")
	db := mustService(t, p, "db")
	search := mustService(t, p, "search")

	t.Run("every service has a healthcheck", func(t *testing.T) {
		for _, s := range []types.ServiceConfig{db, search, app} {
			hc := s.HealthCheck
			if hc == nil || hc.Disable || len(hc.Test) == 0 {
				t.Errorf("service %q: healthcheck = %+v, want a test command", s.Name, hc)
			}
		}
	})

	t.Run("app healthcheck uses the binary, not curl", func(t *testing.T) {
		got := []string(app.HealthCheck.Test)
		want := []string{"CMD", "/usr/local/bin/ideenmarkt", "healthcheck"}
		if !slices.Equal(got, want) {
			t.Errorf("app healthcheck = %q, want %q", got, want)
		}
	})

	t.Run("app waits for healthy db and search", func(t *testing.T) {
		for _, dep := range []string{"db", "search"} {
			d, ok := app.DependsOn[dep]
			if !ok {
				t.Errorf("app.depends_on lacks %q", dep)
				continue
			}
			if d.Condition != types.ServiceConditionHealthy {
				t.Errorf("app.depends_on.%s.condition = %q, want %q", dep, d.Condition, types.ServiceConditionHealthy)
			}
		}
	})

	t.Run("app reaches PostgreSQL on db", func(t *testing.T) {
		raw := env(app, "IDEENMARKT_DATABASE_URL")
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("parse IDEENMARKT_DATABASE_URL %q: %v", raw, err)
		}
		pw, _ := u.User.Password()
		checks := []struct{ what, got, want string }{
			{"scheme", u.Scheme, "postgres"},
			{"host", u.Hostname(), "db"},
			{"port", u.Port(), "5432"},
			{"user", u.User.Username(), env(db, "POSTGRES_USER")},
			{"password", pw, testPostgresPassword},
			{"database", u.Path, "/" + env(db, "POSTGRES_DB")},
			{"db POSTGRES_PASSWORD", env(db, "POSTGRES_PASSWORD"), testPostgresPassword},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q (url %q)", c.what, c.got, c.want, raw)
			}
		}
	})

	t.Run("app reaches Meilisearch on search:7700 with the master key", func(t *testing.T) {
		raw := env(app, "IDEENMARKT_MEILI_URL")
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("parse IDEENMARKT_MEILI_URL %q: %v", raw, err)
		}
		if u.Host != "search:7700" {
			t.Errorf("IDEENMARKT_MEILI_URL host = %q, want %q", u.Host, "search:7700")
		}
		if got := env(app, "IDEENMARKT_MEILI_KEY"); got != testMeiliKey {
			t.Errorf("IDEENMARKT_MEILI_KEY = %q, want the master key %q", got, testMeiliKey)
		}
		if got := env(search, "MEILI_MASTER_KEY"); got != testMeiliKey {
			t.Errorf("search MEILI_MASTER_KEY = %q, want %q", got, testMeiliKey)
		}
		if got := env(search, "MEILI_ENV"); got != "production" {
			t.Errorf("search MEILI_ENV = %q, want production", got)
		}
	})

	t.Run("optional settings default sensibly", func(t *testing.T) {
		if got, want := env(app, "IDEENMARKT_BASE_URL"), "http://localhost:8080"; got != want {
			t.Errorf("IDEENMARKT_BASE_URL = %q, want %q", got, want)
		}
		for _, k := range []string{"IDEENMARKT_ADMIN_EMAIL", "IDEENMARKT_ADMIN_PASSWORD"} {
			if got := env(app, k); got != "" {
				t.Errorf("%s = %q, want empty by default", k, got)
			}
		}
	})

	t.Run("app is built from the repository Dockerfile", func(t *testing.T) {
		b := app.Build
		if b == nil {
			t.Fatalf("app.build missing (image %q)", app.Image)
		}
		if b.Context != repoRoot(t) {
			t.Errorf("app.build.context = %q, want the repository root %q", b.Context, repoRoot(t))
		}
		df := b.Dockerfile
		if !filepath.IsAbs(df) {
			df = filepath.Join(b.Context, df)
		}
		if filepath.Base(df) != "Dockerfile" {
			t.Errorf("app.build.dockerfile = %q, want Dockerfile", b.Dockerfile)
		}
		if _, err := os.Stat(df); err != nil {
			t.Errorf("app Dockerfile: %v", err)
		}
	})

	t.Run("images", func(t *testing.T) {
		cases := []struct {
			svc  types.ServiceConfig
			want *regexp.Regexp
		}{
			// postgres:16, postgres:16.4, postgres:16-bookworm …
			{db, regexp.MustCompile(`^(docker\.io/(library/)?)?postgres:16([.-]|$)`)},
			// a concrete v1 tag, never "latest" (data dirs are version-bound)
			{search, regexp.MustCompile(`^(docker\.io/)?getmeili/meilisearch:v1\.\d+`)},
		}
		for _, c := range cases {
			if !c.want.MatchString(c.svc.Image) {
				t.Errorf("service %q image = %q, want match %s", c.svc.Name, c.svc.Image, c.want)
			}
		}
	})

	t.Run("state lives in named volumes", func(t *testing.T) {
		want := map[string]string{"app": "/data", "db": "/var/lib/postgresql/data", "search": "/meili_data"}
		for _, s := range []types.ServiceConfig{app, db, search} {
			if !hasNamedVolume(s, want[s.Name]) {
				t.Errorf("service %q: no named volume on %s; volumes = %+v", s.Name, want[s.Name], s.Volumes)
			}
		}
	})

	t.Run("only the app publishes a port", func(t *testing.T) {
		if len(app.Ports) != 1 || app.Ports[0].Target != 8080 || app.Ports[0].Published != "8080" {
			t.Errorf("app ports = %+v, want 8080:8080", app.Ports)
		}
		for _, s := range []types.ServiceConfig{db, search} {
			if len(s.Ports) != 0 {
				t.Errorf("service %q publishes %+v; it should be reachable only inside the stack", s.Name, s.Ports)
			}
		}
	})
}

// TestComposeRequiresSecrets checks that a missing or empty secret stops
// `docker compose` with an interpolation error instead of starting a
// database with an empty password.
func TestComposeRequiresSecrets(t *testing.T) {
	for _, name := range []string{"POSTGRES_PASSWORD", "MEILI_MASTER_KEY"} {
		for _, mode := range []string{"unset", "empty"} {
			t.Run(name+" "+mode, func(t *testing.T) {
				e := requiredSecrets()
				if mode == "unset" {
					delete(e, name)
				} else {
					e[name] = ""
				}
				_, err := loadCompose(t, e)
				if err == nil {
					t.Fatalf("load with %s %s: got no error, want a missing-variable error", name, mode)
				}
				var missing *template.MissingRequiredError
				if !errors.As(err, &missing) {
					t.Fatalf("load with %s %s: error %v (%T), want *template.MissingRequiredError", name, mode, err, err)
				}
				if missing.Variable != name {
					t.Errorf("missing variable = %q, want %q", missing.Variable, name)
				}
			})
		}
	}
	t.Run("none set", func(t *testing.T) {
		if _, err := loadCompose(t, map[string]string{}); err == nil {
			t.Fatal("load without any secret: got no error")
		}
	})
}

func hasNamedVolume(s types.ServiceConfig, target string) bool {
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeVolume && v.Source != "" && v.Target == target {
			return true
		}
	}
	return false
}

// instruction is one Dockerfile instruction with continuations joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY …
	args string
}

// stage is one FROM section of a Dockerfile.
type stage struct {
	base, name string
	instrs     []instruction
}

// has reports whether the stage has a cmd instruction whose arguments
// contain every one of subs.
func (s stage) has(cmd string, subs ...string) bool {
	for _, in := range s.instrs {
		if in.cmd == cmd && containsAll(in.args, subs...) {
			return true
		}
	}
	return false
}

// last returns the arguments of the stage's last cmd instruction, if any.
func (s stage) last(cmd string) (string, bool) {
	for i := len(s.instrs) - 1; i >= 0; i-- {
		if s.instrs[i].cmd == cmd {
			return s.instrs[i].args, true
		}
	}
	return "", false
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// parseDockerfile splits a Dockerfile into stages. It knows just enough of
// the syntax for the checks here: comments, backslash continuations, FROM
// with --flags and AS; it is no replacement for BuildKit's parser.
func parseDockerfile(src string) []stage {
	var (
		stages  []stage
		pending string
	)
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue // comments may sit between continuation lines, too
		}
		if body, ok := strings.CutSuffix(line, "\\"); ok {
			pending += body + " "
			continue
		}
		line, pending = pending+line, ""
		cmd, args, _ := strings.Cut(line, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.Join(strings.Fields(args), " ")}
		if in.cmd == "FROM" {
			var st stage
			fields := strings.Fields(in.args)
			for len(fields) > 0 && strings.HasPrefix(fields[0], "--") {
				fields = fields[1:]
			}
			if len(fields) > 0 {
				st.base = fields[0]
			}
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				st.name = fields[2]
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) > 0 {
			stages[len(stages)-1].instrs = append(stages[len(stages)-1].instrs, in)
		}
	}
	return stages
}

// findStage returns the first stage whose base image starts with prefix.
func findStage(tb testing.TB, stages []stage, prefix string) stage {
	tb.Helper()
	for _, st := range stages {
		if strings.HasPrefix(st.base, prefix) {
			if st.name == "" {
				tb.Fatalf("stage FROM %s has no name; later stages copy from it by name", st.base)
			}
			return st
		}
	}
	tb.Fatalf("no stage FROM %s…", prefix)
	return stage{}
}

func TestDockerfile(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatalf("read Dockerfile: %v", err)
	}
	stages := parseDockerfile(string(src))
	if len(stages) < 3 {
		t.Fatalf("Dockerfile has %d stages, want node, go and runtime", len(stages))
	}
	node := findStage(t, stages, "node:")
	gobuild := findStage(t, stages, "golang:")
	final := stages[len(stages)-1]

	t.Run("node stage builds the frontend", func(t *testing.T) {
		for _, want := range []string{"npm ci", "npm run build"} {
			if !node.has("RUN", want) {
				t.Errorf("stage %q: no RUN with %q", node.name, want)
			}
		}
	})

	t.Run("go stage builds a static ./cmd/ideenmarkt with the built frontend", func(t *testing.T) {
		if !gobuild.has("RUN", "CGO_ENABLED=0", "go build", "./cmd/ideenmarkt") {
			t.Errorf("stage %q: no RUN with CGO_ENABLED=0 go build … ./cmd/ideenmarkt", gobuild.name)
		}
		if !gobuild.has("COPY", "--from="+node.name, "frontend/dist") {
			t.Errorf("stage %q: no COPY --from=%s of frontend/dist", gobuild.name, node.name)
		}
	})

	t.Run("final stage runs the binary as a non-root user", func(t *testing.T) {
		if strings.HasPrefix(final.base, "node:") || strings.HasPrefix(final.base, "golang:") || final.base == gobuild.name {
			t.Errorf("final stage is FROM %s, want a slim runtime image", final.base)
		}
		user, ok := final.last("USER")
		name, _, _ := strings.Cut(user, ":")
		if !ok || name == "" || name == "root" || name == "0" {
			t.Errorf("final stage USER = %q (set: %v), want a non-root user", user, ok)
		}
		checks := []struct {
			cmd  string
			subs []string
		}{
			{"COPY", []string{"--from=" + gobuild.name, "/usr/local/bin/ideenmarkt"}},
			{"ENV", []string{"IDEENMARKT_DATA_DIR=/data"}},
			{"EXPOSE", []string{"8080"}},
			{"HEALTHCHECK", []string{`"/usr/local/bin/ideenmarkt"`, `"healthcheck"`}},
			{"ENTRYPOINT", []string{`["/usr/local/bin/ideenmarkt"]`}},
			{"CMD", []string{`["serve"]`}},
		}
		for _, c := range checks {
			if !final.has(c.cmd, c.subs...) {
				t.Errorf("final stage: no %s with %q", c.cmd, c.subs)
			}
		}
	})
}

// TestDockerignore keeps secrets and bulky local state out of the build context.
func TestDockerignore(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot(t), ".dockerignore"))
	if err != nil {
		t.Fatalf("read .dockerignore: %v", err)
	}
	lines := strings.Split(string(src), "\n")
	for _, want := range []string{".git", "**/node_modules", ".env", "data/", "frontend/dist/*", "!frontend/dist/.keep"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore lacks a line %q", want)
		}
	}
}
