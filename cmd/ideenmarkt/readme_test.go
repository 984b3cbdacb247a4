package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// The README's configuration table is the output of `ideenmarkt config
// -markdown`; this keeps the two from drifting apart.
func TestReadmeConfigTableMatchesSettings(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var c Config
	var table bytes.Buffer
	c.PrintSettings(&table, true)
	if !strings.Contains(string(readme), table.String()) {
		t.Fatalf("README.md does not contain the current settings table; replace it with the output of `ideenmarkt config -markdown`:\n%s", table.String())
	}
}

// The README opens with exactly the two set-up commands.
func TestReadmeOpensWithTheTwoCommands(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "```sh\n")
	block, _, ok2 := strings.Cut(after, "```")
	if !ok || !ok2 || block != "make run\nmake test\n" {
		t.Fatalf("first code block = %q, want exactly \"make run\\nmake test\\n\"", block)
	}
}
