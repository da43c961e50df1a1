package portal

import "github.com/blanktrack/blanktrack/pkg/portal/internal/layout"

// Layout is everything the client knows of the portal: origins, paths, JSON
// field names, status codes, page size. The built-in one marks which names
// were recorded on the live portal and which are unconfirmed; LoadLayout
// reads a corrected copy, so that the first user who sees the real screen
// can fix a name without a new build.
type Layout = layout.Table

// DefaultLayout returns the built-in layout.
func DefaultLayout() *Layout { return layout.Default() }

// DefaultLayoutText is the built-in layout as a TOML file, with comments.
func DefaultLayoutText() string { return layout.DefaultText }

// LoadLayout reads a layout file over the built-in one: keys it leaves out
// keep their built-in values. Errors name the file, line and key.
func LoadLayout(name string) (*Layout, error) { return layout.Load(name) }

// The import formats of a layout's Blank.ImportFormat: what 匯入字軌 takes.
const (
	ImportCSV   = layout.FormatCSV   // the 7-field bulk CSV file
	ImportE0402 = layout.FormatE0402 // E0402 XML messages
)
