// Package deploy holds no code of the application, only tests that check the
// deployment files at the repository root (compose.yaml, Dockerfile) so that
// a broken stack definition fails `go test ./...` rather than a production
// rollout.
package deploy
