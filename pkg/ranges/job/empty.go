package job

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

// EmptyExportError is an invoice export that counts no invoice of the
// period: a header-only file, or one whose every row is a purchase, dated
// outside the period or in no allocation. Its numbers would all be
// reported blank, so it is most likely the wrong file (another period,
// another branch, the purchase ledger), never one to pass over.
type EmptyExportError struct {
	Stats  sheet.FileStats
	Period ranges.Period
}

func (e *EmptyExportError) Error() string {
	st, p := e.Stats, e.Period
	if st.Rows == 0 {
		what := "no row below the header"
		if st.Items > 0 {
			what = fmt.Sprintf("only %s below the header", Plural(st.Items, "item (D) row"))
		}
		return fmt.Sprintf("counts no invoice: %s (row %d): it contributes nothing to %s; remove it, or give the export that holds the period's invoices", what, st.HeaderRow, p)
	}
	type count struct {
		n            int
		one, several string // the verb phrase for one row and for several
	}
	var parts []count
	for _, c := range []count{
		{st.Purchases, "is a purchase (another seller's 統編)", "are purchases (another seller's 統編)"},
		{st.OutsidePeriod, "is dated outside " + p.String(), "are dated outside " + p.String()},
		{st.Unallocated, "lies in no allocation of " + p.String(), "lie in no allocation of " + p.String()},
		{st.NoNumber, "has no invoice number", "have no invoice number"},
	} {
		if c.n > 0 {
			parts = append(parts, c)
		}
	}
	phrase := func(c count) string {
		if c.n == 1 {
			return c.one
		}
		return c.several
	}
	var reason string
	switch {
	case len(parts) == 1 && st.Rows == 1:
		reason = "its only row " + parts[0].one
	case len(parts) == 1 && parts[0].n == st.Rows:
		reason = fmt.Sprintf("all %d rows %s", st.Rows, parts[0].several)
	default:
		list := make([]string, len(parts))
		for i, c := range parts {
			list[i] = fmt.Sprintf("%d %s", c.n, phrase(c))
		}
		reason = fmt.Sprintf("of its %s, %s", Plural(st.Rows, "row"), strings.Join(list, ", "))
	}
	return fmt.Sprintf("counts no invoice of %s: %s; it contributes nothing, so it is likely the wrong export (another period, another branch, purchases only): remove it or give the right one", p, reason)
}

// NoInvoicesError is a 統一編號 with allocations in the period and not one
// invoice counted: every allocated number would be reported blank. A
// business that truly issued none says so (Branch.NoInvoices; the config's
// no_invoices = true).
type NoInvoicesError struct {
	Ban    ranges.Ban
	Period ranges.Period
	Files  int // invoice exports read
}

func (e *NoInvoicesError) Error() string {
	if e.Files == 0 {
		return fmt.Sprintf("%s has allocations in %s and no invoice export was given: every allocated number would be reported blank", e.Ban, e.Period)
	}
	return fmt.Sprintf("%s has allocations in %s and none of the %s read holds one of its invoices: every allocated number would be reported blank; is its export missing?",
		e.Ban, e.Period, Plural(e.Files, "invoice export"))
}

// checkInvoiceCounts fails a 統編 of the branch that counts no invoice and
// is not declared to have issued none, one declared so whose numbers the
// exports use, and a declaration for a 統編 without allocations.
func (br *BranchResult) checkInvoiceCounts(p ranges.Period) error {
	used := map[ranges.Ban]int{}
	for _, s := range br.Blank.Summaries {
		used[s.Ban] += s.Used
	}
	var errs ranges.ErrorList
	for _, b := range br.NoInvoices {
		n, ok := used[b]
		switch {
		case !ok:
			errs.Add(fmt.Errorf("%s is declared to have issued no invoice, but has no allocation in %s", b, p))
		case n > 0:
			errs.Add(fmt.Errorf("%s is declared to have issued no invoice in %s, yet the exports use %d of its numbers", b, p, n))
		}
	}
	for _, b := range br.Blank.Bans() {
		if used[b] == 0 && !slices.Contains(br.NoInvoices, b) {
			errs.Add(&NoInvoicesError{Ban: b, Period: p, Files: len(br.Invoices)})
		}
	}
	return errs.Err()
}

// emptyExport is the located error for an export that counted nothing.
func emptyExport(st sheet.FileStats, p ranges.Period) error {
	return &ranges.Error{Pos: ranges.Pos{File: st.File, Sheet: st.Sheet}, Err: &EmptyExportError{Stats: st, Period: p}}
}
