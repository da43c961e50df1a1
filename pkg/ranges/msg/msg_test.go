package msg

import (
	"errors"
	"fmt"
	"testing"
)

func TestPrinterTranslatesErrorsAndArgs(t *testing.T) {
	for en, zh := range map[string]string{"test: %d row(s) in %v": "測試：%[2]v 有 %[1]d 列", "test: bad file %s": "測試：檔案 %s 有誤"} {
		if err := cat.SetString(Chinese, en, zh); err != nil {
			t.Fatal(err)
		}
	}
	inner := Errorf("test: bad file %s", "a.csv")
	wrapped := Errorf("test: %d row(s) in %v", 1234, inner)
	en, zh := NewPrinter(English), NewPrinter(Chinese)
	if got := wrapped.Error(); got != "test: 1234 row(s) in test: bad file a.csv" {
		t.Errorf("English %q", got)
	}
	if got := zh.Localize(wrapped); got != "測試：測試：檔案 a.csv 有誤 有 1234 列" {
		t.Errorf("Chinese %q", got)
	}
	if got := en.Localize(wrapped); got != wrapped.Error() {
		t.Errorf("English printer %q", got)
	}
	// An error wrapping one of ours with more words stays as it is.
	outer := fmt.Errorf("reading: %w", inner)
	if got := zh.Localize(outer); got != "reading: test: bad file a.csv" {
		t.Errorf("foreign wrapper %q", got)
	}
	// An untranslated format prints in English.
	if got := zh.Text("no such format %d", 1); got != "no such format 1" {
		t.Errorf("fallback %q", got)
	}
}

func TestErrorfWraps(t *testing.T) {
	base := errors.New("base")
	err := Errorf("a %d %w and %v", 1, base, "x")
	if !errors.Is(err, base) {
		t.Error("%w is not unwrapped")
	}
	if got := err.Error(); got != "a 1 base and x" {
		t.Errorf("%q", got)
	}
	if got := New("100% sure").Error(); got != "100% sure" {
		t.Errorf("New %q", got)
	}
}

func TestParseAndEnv(t *testing.T) {
	for in, want := range map[string]bool{"zh_TW.UTF-8": true, "zh-TW": true, "zh_Hant_TW": true, "en_US.UTF-8": false, "C": false, "zh_CN.UTF-8": false} {
		tag, _ := Parse(in)
		if (tag == Chinese) != want {
			t.Errorf("Parse(%q) = %v", in, tag)
		}
	}
	env := map[string]string{"LANG": "zh_TW.UTF-8", "LC_ALL": "en_US.UTF-8"}
	if FromEnv(func(k string) string { return env[k] }, "") != English {
		t.Error("LC_ALL does not win over LANG")
	}
	if FromEnv(func(string) string { return "" }, "zh-TW") != Chinese {
		t.Error("the system language is not used when the environment names none")
	}
}
