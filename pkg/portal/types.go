package portal

import (
	"context"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// CaptchaSolver reads the portal's captcha image (PNG) and returns its
// answer: a person at a prompt, or a command for unattended runs.
type CaptchaSolver func(ctx context.Context, image []byte) (string, error)

// Mode is how the client's requests reach the portal.
type Mode string

// Modes.
const (
	// ModeDirect sends plain HTTP requests. A Cloudflare challenge stops
	// it with ErrChallenged.
	ModeDirect Mode = "direct"
	// ModeBrowser logs in inside Chrome, Chromium or Edge and runs every
	// request as fetch() in the logged-in page, with the browser's
	// cookies, clearance and TLS fingerprint.
	ModeBrowser Mode = "browser"
	// ModeAuto tries direct first and turns to the browser when the
	// portal answers with a challenge.
	ModeAuto Mode = "auto"
)

// ParseMode reads a mode's name.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeDirect, ModeBrowser, ModeAuto:
		return m, nil
	case "":
		return ModeAuto, nil
	}
	return "", msg.Errorf("%q: want direct, browser or auto", s)
}

// Company is one business a login may act for (btb002i/company/authorized):
// the head office's login lists its branches.
type Company struct {
	Ban    ranges.Ban
	Name   string
	Closed bool
}

// Record is one range on record: a row of 查詢.
type Record struct {
	ID     string // the portal's id of the row ("" when it gives none)
	Ban    ranges.Ban
	Type   ranges.InvoiceType
	Period ranges.Period
	Track  ranges.Track
	Start  ranges.Number
	End    ranges.Number
}

// Range returns the record as a blank range.
func (r Record) Range() ranges.BlankRange {
	return ranges.BlankRange{Key: ranges.Key{Ban: r.Ban, Type: r.Type, Period: r.Period, Track: r.Track}, Start: r.Start, End: r.End}
}

// UploadInfo is a row of 上傳列表: one import and how far it got.
type UploadInfo struct {
	ID       string
	FileName string
	Status   UploadStatus
	Code     string // the portal's status code
	OK       int
	Failed   int
	Message  string // the portal's words for a refused file
	Date     string // when it was sent, in Taiwan time (or as the portal wrote it); "" when not given
	// Unknown: Code is none the layout knows; the import is taken as
	// not processed yet (Processing).
	Unknown bool
}

// UploadStatus is where an import stands.
type UploadStatus uint8

// Statuses of an import.
const (
	Processing UploadStatus = iota // not processed yet
	Processed                      // processed: its rows say which went on record
	Refused                        // refused whole (its Message says why)
)

func (s UploadStatus) String() string {
	return [...]string{"processing", "processed", "refused"}[s]
}

// RowResult is how one line of an import was processed.
type RowResult struct {
	Seq    int
	Ban    string
	Type   string
	Track  string
	Start  string
	End    string
	OK     bool
	Reason string
}
