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
//   - Period: a two-month reporting period (字軌期別), written in ROC years
//     (114/09~114/10), with its deadline;
//   - Allocation: one allocated range of numbers (統編, 類別, period, 字軌,
//     起號, 迄號), with its booklet rules and overlap check;
//   - Invoice: one invoice number found in an export, with its status.
//
// Usage tallies the numbers used in a period: every invoice number found in
// the exports, issued, voided and nullified alike (all are used). Compute
// returns the blank ranges: maximal runs of allocated numbers that no
// invoice used, per (統編, 類別, period, 字軌). Numbers skipped inside the
// used part (跳號) are blank too. Before returning, Compute checks that
// blank and used numbers together cover every allocated number exactly
// once.
//
// The package reads no file and knows no spreadsheet: package sheet reads
// the portal's downloads and the exports of issued invoices into these
// types, and package job runs the whole computation for one business or
// many branches.
//
// Input errors are *Error values: a Pos (file, sheet, row, line, column,
// header, config key) and the cause, which says what is wrong and what was
// expected. A run collects them in an ErrorList.
package ranges
