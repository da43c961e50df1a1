package portal

import (
	"context"

	"github.com/chromedp/chromedp"
)

// Page is what a test may do in the capture's browser: run a script, and
// choose a file for a file input.
type Page struct {
	Eval   func(script string) (string, error)
	Upload func(selector, path string) error
}

// CaptureDriven records while drive acts in the page as a person would.
func CaptureDriven(ctx context.Context, o CaptureOptions, drive func(ctx context.Context, p Page) error) (*Recording, error) {
	return capture(ctx, o, func(ctx context.Context, b *browser) error {
		return drive(ctx, Page{
			Eval: func(script string) (string, error) { return eval[string](ctx, b, script) },
			Upload: func(selector, path string) error {
				_, err := chromedp.SetUploadFiles(chromedp.CSS(selector), []string{path})(ctx, b.target)
				return err
			},
		})
	})
}
