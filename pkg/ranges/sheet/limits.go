package sheet

// Limits on what one input may hold. Exports within them are read whole;
// anything past them is a hostile or broken file and stops the read with an
// error naming the file, the place and the size. They are variables so that
// tests can lower them.
var (
	// maxCellChars is Excel's own limit on the characters of a cell: a
	// longer cell was not written by a spreadsheet.
	maxCellChars = 32767
	// maxColumns is Excel's column limit (XFD).
	maxColumns = 16384
	// maxRecordBytes caps one CSV record (a line, or several when a quoted
	// cell spans lines): memory stays bounded on a file of one huge line.
	maxRecordBytes = 4 << 20
	// maxRowBytes caps the text of one workbook row, all its cells.
	maxRowBytes = 16 << 20

	// maxPartBytes caps the inflated size of a worksheet or the shared
	// strings; maxSmallPartBytes that of the workbook's structure parts.
	maxPartBytes      int64 = 1 << 30
	maxSmallPartBytes int64 = 16 << 20
	// maxInflateRatio caps inflated over compressed bytes of a part once
	// it has inflated past inflateRatioFloor: real sheets compress 5 to 30
	// times, zip bombs about 1000 times.
	maxInflateRatio         int64 = 100
	inflateRatioFloor       int64 = 16 << 20
	maxZipEntries                 = 10000
	maxStreamedWorkbookSize int64 = 64 << 20 // a workbook read from a plain io.Reader is buffered

	// sstMemoryBudget is the size of the shared-string table kept in
	// memory; a larger one goes to a temporary file.
	sstMemoryBudget = 24 << 20
)

// maxSheetRows is Excel's row limit: no worksheet holds more.
const maxSheetRows = 1 << 20
