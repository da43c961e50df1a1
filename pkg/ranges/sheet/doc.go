// Package sheet reads the spreadsheets blanktrack is fed from into the
// domain types of package ranges: the portal's allocation download
// (字軌號碼取號, invnoapply*.csv) and month-end exports of issued invoices
// from POS, ERP and web-shop systems and from the portal itself.
//
// A file's format is told from its bytes, never its name: CSV text (UTF-8,
// UTF-8 with a BOM, CP950, or UTF-16 such as Excel's "Unicode text" export,
// comma-, tab- or semicolon-separated) or an .xlsx workbook, read with raw
// cell values (dates as serials, the 1904 system too). Anything else is an error
// wrapping ErrNotSpreadsheet that says what the file is: an old .xls, a
// password-protected workbook, an .ods or .xlsb, a zip of something else,
// a PDF, an HTML page saved as .xls, a binary file.
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
// Both readers are our own, built for size:
//
//   - CSV: one goroutine cuts the text into chunks of about 256 KiB at line
//     ends it can prove are outside quotes (it looks at quotes and line
//     ends only), workers parse the chunks and their invoice rows in
//     parallel, and the rows reach the sink in file order. The rules are
//     encoding/csv's with lazy quotes (Excel's ="00000050" stays whole);
//     rows are numbered as a spreadsheet shows the file. CP950 is decoded a
//     cell at a time, only where a cell is not ASCII.
//   - xlsx: the zip archive is read in place (an *os.File, or a stream
//     buffered up to 64 MiB); the workbook's structure comes from its small
//     parts, the worksheet is streamed by a small XML reader, and the
//     shared strings are one byte arena with offsets, moved to an unlinked
//     temporary file past 24 MiB. It reads every cell as excelize's Rows
//     with RawCellValue does; a test holds the two to that.
//
// Bad cells are *ranges.Error values naming file, sheet, row, column and
// value; up to ranges.MaxErrors are collected in a *ranges.ErrorList. A
// formula cell without a saved value in a column that is read is an error
// (ErrNoCachedValue), as is a formula in a CSV file. Input is bounded: a
// cell of more than 32,767 characters (Excel's limit), a CSV line over 4
// MiB, more than 16,384 columns or 1,048,576 rows, a workbook part that
// inflates past 1 GiB or more than 100 times its packed size (a zip bomb)
// stop the read with an error naming the file and the size. Every reader
// checks its context as it goes, so a cancelled run stops at once and
// leaves nothing behind.
package sheet
