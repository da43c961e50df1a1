// Package ranges is the domain of blanktrack: the numbers a Taiwanese
// business is allocated for its e-invoices (配號) and the ones it must report
// to the MOF e-invoice platform as blank and unused (空白未使用發票號碼).
//
// The domain types each parse, validate and print one thing the portal knows:
//
//   - Ban: the 統一編號 (unified business number), 8 digits with a checksum;
//   - Track: the 字軌, two capital letters;
//   - Number: an invoice number, 8 digits;
//   - InvoiceType: the 發票類別, 07 (一般稅額計算) or 08 (特種稅額計算);
//   - Period: a two-month reporting period, written in ROC years (114/09~114/10);
//   - Allocation: one allocated range of numbers (統編, 類別, period, 字軌, 起號, 迄號).
//
// Compute takes allocations and every invoice number found in the exports
// (issued, voided and nullified alike: all are used) and returns the blank
// ranges: maximal runs of allocated numbers that no invoice used, per
// (統編, 類別, period, 字軌). Numbers skipped inside the used part (跳號) are
// blank too. Before returning, Compute checks that blank and used numbers
// together cover every allocated number exactly once.
//
// ReadAllocations reads the portal's allocation download (invnoapply*.csv,
// CP950 or UTF-8, with or without its header, or re-saved by Excel).
// An InvoiceReader reads month-end exports of issued invoices from .xlsx
// (streamed, raw cell values) and .csv (UTF-8, UTF-8 with BOM or CP950,
// detected) and finds the header row and columns by their usual names.
//
// Errors in the input are *CellError values that name the file, sheet, row,
// column and value and say what was expected.
package ranges
