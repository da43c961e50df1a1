package sheet

import (
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// csvChunkSize is how much text one chunk of a CSV file holds, about: the
// unit of parallel parsing. With 2 workers, 6 chunks are in flight.
var csvChunkSize = 1 << 18

// csvChunkRows bounds the records of a chunk, about: a file of tiny lines
// gets smaller chunks, so that the rows parsed from the chunks in flight
// stay a few megabytes.
const (
	csvChunkRows    = 32 << 10
	csvMinChunkSize = 16 << 10
)

// sepSniffLen is how much of a text file decides its separator.
const sepSniffLen = 64 << 10

// csvChunk is a run of whole records of a CSV file: it starts at the start
// of a record and ends after a line end that is outside quotes, so that it
// parses alone.
type csvChunk struct {
	seq    int
	data   string
	row    int // the row number of its first line
	mode   encodingMode
	sep    byte
	final  bool  // it ends where the input ends
	quotes bool  // it has a quote somewhere
	end    bool  // no more chunks: the input ended
	err    error // after its records, the input could not be read further

	recs   *csvRecords // its records, once parsed
	parsed *parsedRows // its invoice rows, when a worker parsed them too
}

// splitter cuts a text input into chunks. It is the one sequential pass
// over the bytes; it looks only at quotes and line ends, so it runs at the
// speed of bytes.IndexByte.
type splitter struct {
	r       io.Reader
	file    string
	target  int // the size of the next chunk
	buf     []byte
	row     int
	sep     byte
	mode    encodingMode
	started bool
	eof     bool
	seq     int
	// crOnly: the file ends its lines with CR alone (old Mac Excel's "CSV
	// (Macintosh)"), told from its first chunk, which has a CR and no LF.
	// Its CRs are read as LFs; conv is how much of buf is converted.
	crOnly bool
	conv   int
}

func newSplitter(in textInput, file string) *splitter {
	return &splitter{r: in.r, file: file, row: 1, mode: in.mode, target: csvChunkSize, buf: make([]byte, 0, csvChunkSize)}
}

// fill reads until the buffer holds want bytes or the input ends. It
// stops at ctx's end between reads: a slow source (a pipe, a network
// share) may take long to fill a chunk.
func (s *splitter) fill(ctx context.Context, want int) error {
	if cap(s.buf) < want {
		nb := make([]byte, len(s.buf), want)
		copy(nb, s.buf)
		s.buf = nb
	}
	for len(s.buf) < want && !s.eof {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := s.r.Read(s.buf[len(s.buf):want])
		s.buf = s.buf[:len(s.buf)+n]
		if errors.Is(err, io.EOF) {
			s.eof = true
		} else if err != nil {
			return err
		}
	}
	return nil
}

// next returns the next chunk; nil at the end of the input. A chunk with
// err set is the last one.
func (s *splitter) next(ctx context.Context) *csvChunk {
	if s.eof && len(s.buf) == 0 {
		return nil
	}
	c := &csvChunk{seq: s.seq, row: s.row}
	s.seq++
	want := s.target
	for {
		need := want
		if !s.started {
			need = max(want, sepSniffLen) // what decides the separator and the line ends
		}
		if err := s.fill(ctx, need); err != nil {
			if ctx.Err() != nil {
				c.err = ctx.Err()
			} else {
				c.err = msg.Errorf("%s: after row %d: %w", s.file, s.row, err)
			}
			return c
		}
		if !s.started {
			head := s.buf[:min(len(s.buf), sepSniffLen)]
			s.sep = separatorOf(head)
			s.crOnly = bytes.IndexByte(head, '\n') < 0 && bytes.IndexByte(head, '\r') >= 0
			s.started = true
		}
		if s.crOnly {
			for i, c := range s.buf[s.conv:] {
				if c == '\r' {
					s.buf[s.conv+i] = '\n'
				}
			}
			s.conv = len(s.buf)
		}
		// The chunk is cut from the first want bytes: the buffer may hold
		// more, read to decide the separator.
		lim := min(len(s.buf), want)
		cut, rows := lim, 0
		if !s.eof || lim < len(s.buf) {
			cut, rows = scanCut(s.buf[:lim], s.sep)
			if cut == 0 {
				// No record ends in the buffer: read on, up to the cap.
				if lim > maxRecordBytes {
					c.err = (&csvParser{file: s.file}).tooLong(s.row)
					return c
				}
				want = 2*lim + 1
				continue
			}
		}
		if s.mode == modeUndecided {
			if i := firstNonASCII(s.buf[:cut]); i >= 0 {
				if len(s.buf)-i < sniffWindow && !s.eof {
					want = max(want, len(s.buf)+sniffWindow)
					continue
				}
				s.mode = decideEncoding(s.buf[i:], s.eof)
			}
		}
		c.data = string(s.buf[:cut])
		c.quotes = bytes.IndexByte(s.buf[:cut], '"') >= 0
		c.mode, c.sep, c.final = s.mode, s.sep, s.eof && cut == len(s.buf)
		n := copy(s.buf, s.buf[cut:])
		s.buf, s.conv = s.buf[:n], n
		s.row += rows
		switch {
		case rows > csvChunkRows:
			s.target = max(min(csvMinChunkSize, csvChunkSize), cut/(rows/csvChunkRows+1))
		case rows < csvChunkRows/4:
			s.target = min(csvChunkSize, 2*s.target)
		}
		return c
	}
}

// scanCut finds the end of the last complete record in b, which starts at
// a record's start, with the quoting rules of the parser, which are
// Excel's: a field is quoted when it starts with a quote; inside, "" is a
// quote, and the first quote that is not doubled ends the quoted section;
// the rest of the field, up to a separator or a line end, is text, quotes
// included. It returns the length of the records (0 if none ends in b) and
// the rows they span: their line ends outside quotes.
func scanCut(b []byte, sep byte) (cut, rows int) {
	i, quotedNL, quotedNLAtCut := 0, 0, 0
	// markCut records the last line end outside quotes in b[from:to].
	markCut := func(from, to int) {
		if nl := bytes.LastIndexByte(b[from:to], '\n'); nl >= 0 {
			cut, quotedNLAtCut = from+nl+1, quotedNL
		}
	}
scan:
	for {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			markCut(i, len(b))
			break
		}
		q += i
		markCut(i, q)
		if q > 0 && b[q-1] != sep && b[q-1] != '\n' {
			i = q + 1 // a quote inside an unquoted field is text
			continue
		}
		// A quoted section: find the quote that ends it.
		j := q + 1
		for {
			k := bytes.IndexByte(b[j:], '"')
			if k < 0 || j+k+1 >= len(b) {
				break scan // not closed within b, or cannot tell yet
			}
			k += j
			if b[k+1] == '"' {
				j = k + 2
				continue
			}
			quotedNL += bytes.Count(b[q:k], []byte{'\n'})
			i = k + 1
			break
		}
	}
	if cut == 0 {
		return 0, 0
	}
	return cut, bytes.Count(b[:cut], []byte{'\n'}) - quotedNLAtCut
}
