package importfile

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Finding is one problem found in a bulk or E0402 file.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`    // 1-based; 0 for the whole file
	Element string `json:"element,omitempty"` // XML element path, for E0402
	Field   string `json:"field,omitempty"`   // the field's name, when one field is wrong
	Problem string `json:"problem"`           // what is wrong and what was expected, in English
	// Message is the problem in any language (Problem is its English, which
	// the json format keeps stable).
	Message msg.Message `json:"-"`

	more bool // it says the file's findings stopped at MaxFindings
}

// with gives the finding its problem.
func (f Finding) with(m msg.Message) Finding {
	f.Problem, f.Message = m.String(), m
	return f
}

func (f Finding) Error() string { return f.Localize(nil) }

// Localize prints the finding in p's language: file:line: element: problem.
func (f Finding) Localize(p *msg.Printer) string {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, f.Line)
	}
	if f.Element != "" {
		loc += p.Text(": ") + f.Element
	}
	problem := f.Problem
	if !f.Message.IsZero() {
		problem = f.Message.Localize(p)
	}
	return loc + p.Text(": ") + problem
}

// LocalizedProblem is the problem alone in p's language.
func (f Finding) LocalizedProblem(p *msg.Printer) string {
	if f.Message.IsZero() {
		return f.Problem
	}
	return f.Message.Localize(p)
}

// FindingFormats are the forms WriteFindings prints.
var FindingFormats = []string{"text", "json", "github"}

// WriteFindings prints findings in one of FindingFormats: text
// (file:line: problem), json (one object a line, with the stable fields
// file, line, element, field and problem) or github (workflow annotations
// that a GitHub Actions run shows on the file). json keeps the English
// problem, a stable text for programs; text and github are for people, in
// p's language.
func WriteFindings(w io.Writer, p *msg.Printer, format string, fs []Finding) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, f := range fs {
			if err := enc.Encode(f); err != nil {
				return err
			}
		}
	case "github":
		for _, f := range fs {
			props := "file=" + ghProperty(f.File)
			if f.Line > 0 {
				props += fmt.Sprintf(",line=%d", f.Line)
			}
			text := f.LocalizedProblem(p)
			if f.Element != "" {
				text = f.Element + p.Text(": ") + text
			}
			fmt.Fprintf(w, "::error %s::%s\n", props, ghData(text))
		}
	default:
		for _, f := range fs {
			fmt.Fprintln(w, f.Localize(p))
		}
	}
	return nil
}

// ghData and ghProperty escape workflow-command text as GitHub's runner
// reads it back.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
