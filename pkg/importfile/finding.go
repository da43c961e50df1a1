package importfile

import (
	"fmt"

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
