// Package frontend exposes the built single-page app to the Go server.
//
// The files come from `npm run build` (Vite writes them to dist/). On a fresh
// clone dist/ holds only the committed placeholder .keep, so the embed pattern
// still matches and `go build ./...` works; the server is expected to detect a
// missing dist/index.html and show a "frontend not built — run make build" page.
package frontend

import "embed"

// Dist holds the contents of the dist/ directory, rooted at "dist".
// Use fs.Sub(Dist, "dist") to serve it at the site root.
//
//go:embed all:dist
var Dist embed.FS
