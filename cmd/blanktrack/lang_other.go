//go:build !windows

package main

// systemLanguage is the user's language as the system names it, where
// the environment does not say: on Unix-like systems the environment is
// the place (LANG), so none.
func systemLanguage() string { return "" }
