package importfile

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// RenderOptions choose the files Render makes.
type RenderOptions struct {
	XML  bool       // also E0402 messages
	Head ranges.Ban // E0402 HeadBan; empty: each 統編 is its own head office
}

// Render makes the output files of a result: a bulk file per 統一編號 with
// blank numbers and, with XML, its E0402 messages, sorted by name. noBlank
// lists the 統編 whose numbers were all used: they get no file.
//
// A 統編 with a 字軌 of more ranges than a bulk file holds fails with a
// *TrackTooLargeError; with XML it gets its E0402 messages and no bulk file
// (a bulk file without that track would report it as having no blank
// number), and noBulk lists the track.
//
// Rendering a large result takes a while: ctx is looked at between 統編s
// and between E0402 messages, and its error returned.
func Render(ctx context.Context, res *ranges.Result, o RenderOptions) (files []File, noBlank []ranges.Ban, noBulk []*TrackTooLargeError, err error) {
	for _, b := range res.Bans() {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		rs := res.RangesOf(b)
		if len(rs) == 0 {
			noBlank = append(noBlank, b)
			continue
		}
		bulk, err := BulkFiles(rs)
		var tooLarge *TrackTooLargeError
		switch {
		case o.XML && errors.As(err, &tooLarge):
			noBulk = append(noBulk, tooLarge)
		case err != nil:
			return nil, nil, nil, err
		}
		files = append(files, bulk...)
		if o.XML {
			for _, m := range E0402Messages(o.Head, rs) {
				if err := ctx.Err(); err != nil {
					return nil, nil, nil, err
				}
				data, err := MarshalE0402(m.Message)
				if err != nil {
					return nil, nil, nil, err
				}
				files = append(files, File{Name: m.Name, Data: data})
			}
		}
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return files, noBlank, noBulk, nil
}
