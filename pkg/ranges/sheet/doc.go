// Package sheet reads the spreadsheets blanktrack is fed from into the
// domain types of package ranges: the portal's allocation download
// (字軌號碼取號, invnoapply*.csv) and month-end exports of issued invoices
// from POS, ERP and web-shop systems and from the portal itself.
//
// A file's format is told from its bytes, never its name: CSV text (UTF-8,
// UTF-8 with a BOM, or CP950, detected) or an .xlsx workbook, streamed with
// raw cell values (dates as serials, the 1904 system too). An old .xls or a
// password-protected workbook is an error that says so.
//
// ReadAllocations and ReadInvoices take an io.Reader and the name to use in
// messages; ReadAllocationFile, ReadAllocationFiles and ReadInvoiceFile open
// named files. ReadInvoices finds the header row among the first rows by
// the column names exports use (or names given in Columns), reads the
// invoice number (combined, as ZK37210312, or a 字軌 column beside it),
// status, date and seller, and gives each invoice to a Sink (a
// *ranges.Usage), streaming: memory does not grow with the file. It reads
// the portal's own exports as they come: the new portal's M/D CSV with its
// unquoted commas, the old portal's workbook with its item sheet.
//
// Bad cells are *ranges.Error values naming file, sheet, row, column and
// value; up to ranges.MaxErrors are collected in a *ranges.ErrorList. Every
// reader checks its context as it goes, so a cancelled run stops at once.
package sheet
