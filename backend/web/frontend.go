package web

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
)

// mountFrontend serves the embedded SPA: hashed assets with a long cache
// lifetime, and index.html (never cached) for every other non-API path so
// that client-side routes survive a reload. Without a built frontend it serves
// a page that says how to build one.
func (s *Server) mountFrontend() {
	fsys := s.opts.Frontend
	index, err := fs.ReadFile(orEmpty(fsys), "index.html")
	if err != nil {
		s.fiber.Get("/*", func(c *fiber.Ctx) error {
			c.Type("html", "utf-8")
			return c.Status(http.StatusServiceUnavailable).SendString(notBuiltPage)
		})
		return
	}
	assets := filesystem.New(filesystem.Config{Root: http.FS(fsys), MaxAge: 365 * 24 * 3600})
	s.fiber.Get("/*", func(c *fiber.Ctx) error {
		p := strings.TrimPrefix(path.Clean("/"+c.Params("*")), "/")
		if p != "" && p != "index.html" {
			if st, err := fs.Stat(fsys, p); err == nil && !st.IsDir() {
				if !strings.HasPrefix(p, "assets/") {
					defer c.Set(fiber.HeaderCacheControl, "no-cache") // filesystem sets max-age; unhashed files must revalidate
				}
				return assets(c)
			}
			if path.Ext(p) != "" {
				return fiber.NewError(fiber.StatusNotFound, "Not found.")
			}
		}
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Type("html", "utf-8")
		return c.Send(index)
	})
}

func orEmpty(fsys fs.FS) fs.FS {
	if fsys == nil {
		return emptyFS{}
	}
	return fsys
}

type emptyFS struct{}

func (emptyFS) Open(string) (fs.File, error) { return nil, fs.ErrNotExist }

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ideenmarkt: frontend not built</title></head>
<body><main><h1>The frontend is not built</h1>
<p>This ideenmarkt binary was built without its web interface. Run <code>make build</code>
(needs Node.js) and start the new binary, or use the API under <code>/api/v1</code>.</p>
<p lang="de">Die Weboberfläche wurde nicht gebaut. Bitte <code>make build</code> ausführen.</p></main></body></html>`
