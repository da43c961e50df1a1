package sheet

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// sharedStrings is a workbook's shared-string table (xl/sharedStrings.xml),
// where Excel keeps the text of every text cell once: one byte arena and
// the offsets into it, about the size of the text itself. A table larger
// than sstMemoryBudget moves to a temporary file, read back through a small
// block cache; the file is unlinked as soon as it is created (and removed
// by Close where that is not possible), so nothing is left behind.
type sharedStrings struct {
	arena []byte
	offs  []uint32 // start of string i; offs[n] is the end of the last
	str   string   // the arena, frozen once loaded: lookups are substrings

	// Spilled to a file: each string as a uvarint length and its bytes,
	// index[i] the offset of string i*spillStride.
	file       *os.File
	w          *bufio.Writer
	size       int64
	index      []int64
	n          int
	removePath string
	cache      blockCache
	lastI      int // the string read last and the offset after it
	lastEnd    int64
}

const spillStride = 64

// loadSharedStrings reads the table from the XML of the part. sizeHint is
// the part's inflated size, a bound on its text.
func loadSharedStrings(ctx context.Context, r io.Reader, part string, sizeHint int64) (*sharedStrings, error) {
	s := &sharedStrings{lastI: -1}
	s.arena = make([]byte, 0, min(sizeHint/4, int64(sstMemoryBudget)))
	s.offs = make([]uint32, 1, 1024)
	x := newXMLCursor(r, part)
	var t xmlTag
	var text []byte
	// depth in <si>: inside <si>, the text of <t> counts unless it is in
	// a phonetic run (<rPh>), which Excel does not show.
	inSI, inRPh := false, false
	count := 0
	for x.nextTag(&t) {
		switch {
		case t.is("si") && !t.end:
			inSI, inRPh = true, false
			text = text[:0]
			if t.empty {
				if err := s.add(ctx, nil, part, count); err != nil {
					s.Close()
					return nil, err
				}
				count++
				inSI = false
			}
		case t.is("si") && t.end:
			if !inSI {
				continue
			}
			inSI = false
			if err := s.add(ctx, bstrUnescape(text), part, count); err != nil {
				s.Close()
				return nil, err
			}
			count++
		case t.is("rPh"):
			inRPh = !t.end && !t.empty
		case t.is("t") && !t.end && !t.empty && inSI && !inRPh:
			// On failure x.err is set and the next nextTag returns false.
			text, _ = x.text(text)
		}
	}
	if x.err != nil {
		s.Close()
		return nil, partError(part, x.err)
	}
	if err := s.finish(); err != nil {
		s.Close()
		return nil, msg.Errorf("%s: %w", part, err)
	}
	return s, nil
}

// add appends string number i.
func (s *sharedStrings) add(ctx context.Context, b []byte, part string, i int) error {
	if len(b) > maxCellChars {
		if n := utf8.RuneCount(b); n > maxCellChars {
			return msg.Errorf("%s: shared string %d has %d characters: a spreadsheet cell holds at most %d (Excel's limit)", part, i, n, maxCellChars)
		}
	}
	if i%4096 == 0 && ctx.Err() != nil {
		return ctx.Err()
	}
	if s.file == nil && len(s.arena)+len(b)+4*len(s.offs) > sstMemoryBudget {
		if err := s.spill(); err != nil {
			return err
		}
	}
	if s.file == nil {
		s.arena = append(s.arena, b...)
		s.offs = append(s.offs, uint32(len(s.arena)))
		return nil
	}
	return s.write(b)
}

// spill moves the table to a temporary file.
func (s *sharedStrings) spill() error {
	f, err := os.CreateTemp("", "blanktrack-sst-*")
	if err != nil {
		return msg.Errorf("the shared strings need a temporary file: %w", err)
	}
	s.file = f
	if err := os.Remove(f.Name()); err != nil {
		s.removePath = f.Name() // removed by Close
	}
	s.w = bufio.NewWriterSize(f, 256<<10)
	for i := 0; i+1 < len(s.offs); i++ {
		if err := s.write(s.arena[s.offs[i]:s.offs[i+1]]); err != nil {
			return err
		}
	}
	s.arena, s.offs = nil, nil
	return nil
}

func (s *sharedStrings) write(b []byte) error {
	if s.n%spillStride == 0 {
		s.index = append(s.index, s.size)
	}
	var l [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(l[:], uint64(len(b)))
	if _, err := s.w.Write(l[:k]); err != nil {
		return msg.Errorf("writing the shared strings' temporary file: %w", err)
	}
	if _, err := s.w.Write(b); err != nil {
		return msg.Errorf("writing the shared strings' temporary file: %w", err)
	}
	s.size += int64(k + len(b))
	s.n++
	return nil
}

func (s *sharedStrings) finish() error {
	if s.file == nil {
		s.str = string(s.arena)
		s.arena = nil
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return msg.Errorf("writing the shared strings' temporary file: %w", err)
	}
	s.w = nil
	s.cache.init(s.file, s.size)
	return nil
}

// Len is the number of strings.
func (s *sharedStrings) Len() int {
	if s.file != nil {
		return s.n
	}
	return len(s.offs) - 1
}

var errSSTIndex = msg.New("no such shared string")

// get returns string i.
func (s *sharedStrings) get(i int) (string, error) {
	if i < 0 || i >= s.Len() {
		return "", errSSTIndex
	}
	if s.file == nil {
		return s.str[s.offs[i]:s.offs[i+1]], nil
	}
	var off int64
	skip := 0
	if i == s.lastI+1 && s.lastI >= 0 {
		off = s.lastEnd
	} else {
		off, skip = s.index[i/spillStride], i%spillStride
	}
	for ; skip >= 0; skip-- {
		l, k, err := s.cache.uvarint(off)
		if err != nil {
			return "", err
		}
		off += int64(k)
		if skip == 0 {
			b := make([]byte, l)
			if err := s.cache.read(b, off); err != nil {
				return "", err
			}
			s.lastI, s.lastEnd = i, off+int64(l)
			return string(b), nil
		}
		off += int64(l)
	}
	return "", errSSTIndex
}

// Close removes the temporary file, if any.
func (s *sharedStrings) Close() error {
	if s == nil || s.file == nil {
		return nil
	}
	err := s.file.Close()
	if s.removePath != "" {
		if rerr := os.Remove(s.removePath); err == nil {
			err = rerr
		}
	}
	s.file = nil
	return err
}

// blockCache reads a file through a few cached blocks.
type blockCache struct {
	f      io.ReaderAt
	size   int64
	blocks [64]cacheBlock
}

type cacheBlock struct {
	n    int64 // block number + 1; 0 is empty
	data []byte
}

const cacheBlockSize = 64 << 10

func (c *blockCache) init(f io.ReaderAt, size int64) { c.f, c.size = f, size }

func (c *blockCache) block(n int64) ([]byte, error) {
	b := &c.blocks[n%int64(len(c.blocks))]
	if b.n == n+1 {
		return b.data, nil
	}
	if b.data == nil {
		b.data = make([]byte, cacheBlockSize)
	}
	start := n * cacheBlockSize
	m := min(int64(cacheBlockSize), c.size-start)
	if m <= 0 {
		return nil, io.ErrUnexpectedEOF
	}
	if _, err := c.f.ReadAt(b.data[:m], start); err != nil && !errors.Is(err, io.EOF) {
		return nil, msg.Errorf("reading the shared strings' temporary file: %w", err)
	}
	b.n = n + 1
	return b.data[:m], nil
}

// read fills p from offset off.
func (c *blockCache) read(p []byte, off int64) error {
	for len(p) > 0 {
		blk, err := c.block(off / cacheBlockSize)
		if err != nil {
			return err
		}
		k := copy(p, blk[off%cacheBlockSize:])
		p, off = p[k:], off+int64(k)
	}
	return nil
}

func (c *blockCache) uvarint(off int64) (uint64, int, error) {
	var b [binary.MaxVarintLen64]byte
	n := min(int64(len(b)), c.size-off)
	if n <= 0 {
		return 0, 0, io.ErrUnexpectedEOF
	}
	if err := c.read(b[:n], off); err != nil {
		return 0, 0, err
	}
	v, k := binary.Uvarint(b[:n])
	if k <= 0 {
		return 0, 0, msg.New("damaged shared strings' temporary file")
	}
	return v, k, nil
}

// bstrUnescape decodes the _xHHHH_ escapes of OOXML strings (ST_Xstring),
// as excelize does: _x000D_ is a CR, _x005F_ an underscore.
func bstrUnescape(b []byte) []byte {
	if !containsX(b) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] == '_' && i+7 <= len(b) && b[i+1] == 'x' && b[i+6] == '_' && isHex4(b[i+2:i+6]) {
			v, _ := strconv.ParseUint(string(b[i+2:i+6]), 16, 32)
			if string(b[i:i+7]) == "_x005F_" {
				out = append(out, '_')
			} else if r := rune(v); utf8.ValidRune(r) {
				out = utf8.AppendRune(out, r)
			}
			i += 7
			continue
		}
		out = append(out, b[i])
		i++
	}
	return out
}

func containsX(b []byte) bool {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '_' && b[i+1] == 'x' {
			return true
		}
	}
	return false
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func partError(part string, err error) error {
	return msg.Errorf("%s is damaged: %w", part, err)
}
