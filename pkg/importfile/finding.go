package importfile

import "fmt"

// Finding is one problem found in a bulk or E0402 file.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`    // 1-based; 0 for the whole file
	Element string `json:"element,omitempty"` // XML element path, for E0402
	Field   string `json:"field,omitempty"`   // the field's name, when one field is wrong
	Problem string `json:"problem"`           // what is wrong and what was expected
}

func (f Finding) Error() string {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, f.Line)
	}
	if f.Element != "" {
		loc += ": " + f.Element
	}
	return loc + ": " + f.Problem
}
