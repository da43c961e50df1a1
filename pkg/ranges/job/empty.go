package job

import (
	"slices"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
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

func (e *EmptyExportError) Error() string { return e.message().String() }

// Localize prints the error in p's language.
func (e *EmptyExportError) Localize(p *msg.Printer) string { return e.message().Localize(p) }

func (e *EmptyExportError) message() msg.Message {
	st, p := e.Stats, e.Period
	if st.Rows == 0 {
		switch {
		case st.Items == 1:
			return msg.T("counts no invoice: only 1 item (D) row below the header (row %d): it contributes nothing to %s; remove it, or give the export that holds the period's invoices", st.HeaderRow, p)
		case st.Items > 1:
			return msg.T("counts no invoice: only %d item (D) rows below the header (row %d): it contributes nothing to %s; remove it, or give the export that holds the period's invoices", st.Items, st.HeaderRow, p)
		}
		return msg.T("counts no invoice: no row below the header (row %d): it contributes nothing to %s; remove it, or give the export that holds the period's invoices", st.HeaderRow, p)
	}
	type count struct {
		n            int
		one, several msg.Message // the verb phrase for one row and for several
	}
	var parts []count
	for _, c := range []count{
		{st.Purchases, msg.T("is a purchase (another seller's 統編)"), msg.T("are purchases (another seller's 統編)")},
		{st.OutsidePeriod, msg.T("is dated outside %s", p), msg.T("are dated outside %s", p)},
		{st.Unallocated, msg.T("lies in no allocation of %s", p), msg.T("lie in no allocation of %s", p)},
		{st.NoNumber, msg.T("has no invoice number"), msg.T("have no invoice number")},
	} {
		if c.n > 0 {
			parts = append(parts, c)
		}
	}
	var reason msg.Message
	switch {
	case len(parts) == 1 && st.Rows == 1:
		reason = msg.T("its only row %v", parts[0].one)
	case len(parts) == 1 && parts[0].n == st.Rows:
		reason = msg.T("all %d rows %v", st.Rows, parts[0].several)
	default:
		items := make(msg.Commas, len(parts))
		for i, c := range parts {
			phrase := c.several
			if c.n == 1 {
				phrase = c.one
			}
			items[i] = msg.T("%d %v", c.n, phrase)
		}
		if st.Rows == 1 {
			reason = msg.T("of its 1 row, %v", items)
		} else {
			reason = msg.T("of its %d rows, %v", st.Rows, items)
		}
	}
	return msg.T("counts no invoice of %s: %v; it contributes nothing, so it is likely the wrong export (another period, another branch, purchases only): remove it or give the right one", p, reason)
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

func (e *NoInvoicesError) Error() string { return e.message().String() }

// Localize prints the error in p's language.
func (e *NoInvoicesError) Localize(p *msg.Printer) string { return e.message().Localize(p) }

func (e *NoInvoicesError) message() msg.Message {
	if e.Files == 0 {
		return msg.T("%s has allocations in %s and no invoice export was given: every allocated number would be reported blank", e.Ban, e.Period)
	}
	if e.Files == 1 {
		return msg.T("%s has allocations in %s and none of the 1 invoice export read holds one of its invoices: every allocated number would be reported blank; is its export missing?", e.Ban, e.Period)
	}
	return msg.T("%s has allocations in %s and none of the %d invoice exports read holds one of its invoices: every allocated number would be reported blank; is its export missing?",
		e.Ban, e.Period, e.Files)
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
			errs.Add(msg.Errorf("%s is declared to have issued no invoice, but has no allocation in %s", b, p))
		case n > 0:
			errs.Add(msg.Errorf("%s is declared to have issued no invoice in %s, yet the exports use %d of its numbers", b, p, n))
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
