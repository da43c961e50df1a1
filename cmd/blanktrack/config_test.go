package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadConfig: any text gives a config or located errors, never a panic,
// and an error never repeats a password the text holds.
func FuzzLoadConfig(f *testing.F) {
	f.Add("head = \"53212539\"\n[[branch]]\nban = \"24549210\"\nalloc = [\"a.csv\"]\n[branch.columns]\nnumber = \"票號\"\n")
	f.Add("[[branch]]\nban = \"1\"\npassword = \"hunter2\"\n")
	f.Add("period = \"last\"\n[[branch]]\n[[branch]]\nban = \"53212539\"\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		p := filepath.Join(dir, "c.toml")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, errs := loadConfig(p)
		// A value given only to a password key must never be repeated.
		secretOnly := strings.Count(text, "hunter2") == 1 && strings.Contains(text, `password = "hunter2"`)
		for _, err := range errs {
			if secretOnly && strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("an error repeats the password: %v", err)
			}
		}
	})
}
