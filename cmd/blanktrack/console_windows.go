//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// init sets a Windows console to UTF-8, so that Chinese text (統一編號,
// 字軌, file names) shows as written rather than as the console's code page
// (often 950) misreads it, and turns on the escape sequences the progress
// line uses. Output redirected to a file or pipe is left alone: it is
// UTF-8 already.
// cpUTF8 is the code page of UTF-8.
const cpUTF8 = 65001

func init() {
	if !isTerminal(os.Stdout) && !isTerminal(os.Stderr) {
		return
	}
	_ = windows.SetConsoleOutputCP(cpUTF8)
	_ = windows.SetConsoleCP(cpUTF8)
	for _, f := range []*os.File{os.Stdout, os.Stderr} {
		h := windows.Handle(f.Fd())
		var mode uint32
		if windows.GetConsoleMode(h, &mode) == nil {
			_ = windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING)
		}
	}
}

// systemLanguage is the first of the user's preferred display languages
// (zh-TW on a Traditional Chinese Windows), for when no LANG is set.
func systemLanguage() string {
	langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil || len(langs) == 0 {
		return ""
	}
	return langs[0]
}
