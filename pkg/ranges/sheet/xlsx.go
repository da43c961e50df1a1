package sheet

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// workbook is an open .xlsx file, read straight from its zip archive: its
// structure from the small parts (the sheets, their parts, the 1904 date
// flag), and the two parts that grow with the data, a worksheet and the
// shared strings, streamed by our own XML reader. Every part's inflated
// size is checked before it is read, absolute and against its compressed
// size, so a zip bomb stops at once.
type workbook struct {
	name     string
	zr       *zip.Reader
	parts    map[string]*zip.File // by lower-case name
	sheets   []sheetRef
	date1904 bool
	sstPart  string
	sst      *sharedStrings
	sstDone  bool
}

// maxSheetName is Excel's limit on a sheet name: names are printed in
// every message about a sheet.
const maxSheetName = 31

type sheetRef struct {
	name, part string
	hidden     bool // state="hidden" or "veryHidden": not shown in Excel's tabs
}

// openWorkbook opens the workbook in src: from a file or other
// io.ReaderAt directly, from a plain stream after buffering it (up to
// maxStreamedWorkbookSize).
func openWorkbook(src source, br io.Reader, name string) (*workbook, error) {
	ra, size := src.ra, src.size
	if ra == nil {
		data, err := io.ReadAll(io.LimitReader(br, maxStreamedWorkbookSize+1))
		if err != nil {
			return nil, msg.Errorf("%s: %w", name, err)
		}
		if int64(len(data)) > maxStreamedWorkbookSize {
			return nil, msg.Errorf("%s: a workbook over %s read from a stream: give it as a file", name, byteSize(maxStreamedWorkbookSize))
		}
		ra, size = bytes.NewReader(data), int64(len(data))
	}
	entries, err := zipEntryCount(ra, size)
	if err != nil {
		return nil, msg.Errorf("%s: %w", name, err)
	}
	if entries > uint64(maxZipEntries) {
		return nil, msg.Errorf("%s: a zip archive of %d files: not an .xlsx workbook: %w", name, entries, ErrNotSpreadsheet)
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, msg.Errorf("%s: not a readable .xlsx workbook (a damaged zip archive): %w", name, err)
	}
	w := &workbook{name: name, zr: zr, parts: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		w.parts[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))] = f
	}
	if err := w.readStructure(); err != nil {
		return nil, err
	}
	return w, nil
}

// zipEntryCount reads the number of files from the end of a zip archive,
// before archive/zip loads its directory into memory; no end record means
// the file was cut short.
func zipEntryCount(ra io.ReaderAt, size int64) (uint64, error) {
	const eocdLen, zip64LocLen = 22, 20
	n := min(size, 65535+eocdLen+zip64LocLen)
	buf := make([]byte, n)
	if _, err := ra.ReadAt(buf, size-n); err != nil && !errors.Is(err, io.EOF) {
		return 0, err
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return 0, msg.New("the file is cut short: the end of its zip archive is missing (an interrupted download or copy?); get the file again")
	}
	count := uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	if count != 0xFFFF || i < zip64LocLen || !bytes.Equal(buf[i-zip64LocLen:i-zip64LocLen+4], []byte("PK\x06\x07")) {
		return count, nil
	}
	off := int64(binary.LittleEndian.Uint64(buf[i-zip64LocLen+8:]))
	var rec [56]byte
	if off < 0 || off > size-56 {
		return 0, msg.New("a damaged zip archive")
	}
	if _, err := ra.ReadAt(rec[:], off); err != nil {
		return 0, err
	}
	if !bytes.Equal(rec[:4], []byte("PK\x06\x06")) {
		return 0, msg.New("a damaged zip archive")
	}
	return binary.LittleEndian.Uint64(rec[32:]), nil
}

// part finds a part by name, ignoring case as OOXML does.
func (w *workbook) part(name string) *zip.File {
	return w.parts[strings.ToLower(strings.TrimPrefix(name, "/"))]
}

// open opens a part for reading after checking its inflated size.
func (w *workbook) open(f *zip.File, limit int64) (io.ReadCloser, error) {
	size, packed := int64(f.UncompressedSize64), int64(f.CompressedSize64)
	if f.UncompressedSize64 > 1<<62 || size > limit {
		return nil, msg.Errorf("%s: %s inflates to %s, over the limit of %s for one part: a zip bomb, or not a spreadsheet export",
			w.name, f.Name, byteSize(int64(min(f.UncompressedSize64, 1<<62))), byteSize(limit))
	}
	if size > inflateRatioFloor && size > maxInflateRatio*max(packed, 1) {
		return nil, msg.Errorf("%s: %s inflates to %s from %s (%d times): spreadsheets compress far less; a zip bomb",
			w.name, f.Name, byteSize(size), byteSize(packed), size/max(packed, 1))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, msg.Errorf("%s: %s: %w", w.name, f.Name, err)
	}
	return rc, nil
}

// byteSize prints a size for a message.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// readSmall reads a structure part whole.
func (w *workbook) readSmall(f *zip.File) ([]byte, error) {
	rc, err := w.open(f, maxSmallPartBytes)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, msg.Errorf("%s: %w", w.name, partError(f.Name, err))
	}
	return data, nil
}

type xmlRels struct {
	Rels []struct {
		ID         string `xml:"Id,attr"`
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbook struct {
	Props struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name  string `xml:"name,attr"`
		State string `xml:"state,attr"`
		ID    string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		IDs   string `xml:"http://purl.oclc.org/ooxml/officeDocument/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

// readStructure reads the sheets of the workbook and where their parts
// are: the package's relationships name the workbook part, its own name
// each sheet's part and the shared strings.
func (w *workbook) readStructure() error {
	wbPart := "xl/workbook.xml"
	if f := w.part("_rels/.rels"); f != nil {
		var rels xmlRels
		if err := w.readXML(f, &rels); err != nil {
			return err
		}
		for _, r := range rels.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") && r.TargetMode != "External" {
				wbPart = strings.TrimPrefix(path.Clean("/"+r.Target), "/")
			}
		}
	}
	f := w.part(wbPart)
	if f == nil {
		return w.notWorkbook()
	}
	var wb xmlWorkbook
	if err := w.readXML(f, &wb); err != nil {
		return err
	}
	w.date1904 = wb.Props.Date1904 == "1" || wb.Props.Date1904 == "true"
	targets := map[string]string{}
	dir := path.Dir(wbPart)
	relsPart := path.Join(dir, "_rels", path.Base(wbPart)+".rels")
	if f := w.part(relsPart); f != nil {
		var rels xmlRels
		if err := w.readXML(f, &rels); err != nil {
			return err
		}
		for _, r := range rels.Rels {
			if r.TargetMode == "External" {
				continue
			}
			target := strings.TrimPrefix(path.Join(dir, r.Target), "/")
			if strings.HasPrefix(r.Target, "/") {
				target = strings.TrimPrefix(path.Clean(r.Target), "/")
			}
			switch {
			case strings.HasSuffix(r.Type, "/worksheet"):
				targets[r.ID] = target
			case strings.HasSuffix(r.Type, "/sharedStrings"):
				w.sstPart = target
			}
		}
	}
	if w.sstPart == "" && w.part(path.Join(dir, "sharedStrings.xml")) != nil {
		w.sstPart = path.Join(dir, "sharedStrings.xml")
	}
	for _, s := range wb.Sheets {
		if n := utf8.RuneCountInString(s.Name); n > maxSheetName {
			return msg.Errorf("%s: a sheet name of %d characters, %s: Excel allows %d; not a spreadsheet export", w.name, n, ranges.Quote(s.Name), maxSheetName)
		}
		id := s.ID
		if id == "" {
			id = s.IDs
		}
		// A chart sheet or a sheet whose part is missing has no rows: it
		// is listed, and reads as empty.
		w.sheets = append(w.sheets, sheetRef{name: s.Name, part: targets[id], hidden: s.State == "hidden" || s.State == "veryHidden"})
	}
	if len(w.sheets) == 0 {
		return msg.Errorf("%s: a workbook without sheets", w.name)
	}
	return nil
}

// notWorkbook says what a zip archive that is not an .xlsx workbook holds.
func (w *workbook) notWorkbook() error {
	var what msg.Message
	switch {
	case w.part("xl/workbook.bin") != nil:
		what = msg.T("an Excel binary workbook (.xlsb): open it in Excel and save it as .xlsx (Excel Workbook) or CSV")
	case w.part("content.xml") != nil && w.part("mimetype") != nil:
		what = msg.T("an OpenDocument spreadsheet (.ods): save it as .xlsx (Excel Workbook) or CSV")
	case w.part("word/document.xml") != nil:
		what = msg.T("a Word document, not a spreadsheet")
	default:
		var names []string
		for _, f := range w.zr.File {
			if len(names) == 3 {
				names = append(names, "…")
				break
			}
			names = append(names, f.Name)
		}
		what = msg.T("a zip archive, not an .xlsx workbook")
		if len(names) > 0 {
			what = msg.T("a zip archive, not an .xlsx workbook (it holds %s): unzip it, or give the export itself", strings.Join(names, ", "))
		}
	}
	return msg.Errorf("%s: %v: %w", w.name, what, ErrNotSpreadsheet)
}

func (w *workbook) readXML(f *zip.File, v any) error {
	data, err := w.readSmall(f)
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(data, v); err != nil {
		return msg.Errorf("%s: %w", w.name, partError(f.Name, err))
	}
	return nil
}

// SheetNames lists the sheets in the workbook's order.
func (w *workbook) SheetNames() []string {
	names := make([]string, len(w.sheets))
	for i, s := range w.sheets {
		names[i] = s.name
	}
	return names
}

// sharedStrings loads the table once, on the first sheet that needs it.
func (w *workbook) sharedStrings(ctx context.Context) (*sharedStrings, error) {
	if w.sstDone {
		return w.sst, nil
	}
	w.sstDone = true
	if w.sstPart == "" {
		return nil, nil
	}
	f := w.part(w.sstPart)
	if f == nil {
		return nil, nil
	}
	rc, err := w.open(f, maxPartBytes)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sst, err := loadSharedStrings(ctx, rc, f.Name, int64(f.UncompressedSize64))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, msg.Errorf("%s: %w", w.name, err)
	}
	w.sst = sst
	return sst, nil
}

// Close releases the shared strings' temporary file, if any.
func (w *workbook) Close() error {
	return w.sst.Close()
}
