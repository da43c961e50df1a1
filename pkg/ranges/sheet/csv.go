package sheet

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// csvTable reads the rows of CSV text, parsed in parallel: one goroutine
// cuts the input into chunks of whole records (splitter), workers parse
// them, and the rows come out in file order. Memory is bounded by the
// chunks in flight, whatever the size of the file.
type csvTable struct {
	pipe  *csvPipe
	chunk *csvChunk
	idx   int
	row   []string
	n     int
	err   error
	done  bool
}

// csvWorkers is how many goroutines parse chunks.
func csvWorkers() int { return min(max(runtime.GOMAXPROCS(0), 1), 8) }

// newCSV starts reading CSV text; Close stops it. The encoding (UTF-8,
// CP950, or UTF-16 decoded before) and the separator (comma, or tab for
// Excel's text exports) are told from the bytes. When ctx is done, the
// rows end with its error.
func newCSV(ctx context.Context, in textInput, file string) *csvTable {
	return &csvTable{pipe: startCSVPipe(ctx, in, file, csvWorkers())}
}

func (t *csvTable) Next() bool {
	for t.err == nil && !t.done {
		if c := t.chunk; c != nil && c.recs != nil && t.idx < len(c.recs.ends) {
			t.row, t.n = c.recs.record(t.idx), c.recs.rows[t.idx]
			t.idx++
			return true
		}
		if !t.nextChunk() {
			return false
		}
	}
	return false
}

// nextChunk moves to the next chunk, after the errors of the current one.
func (t *csvTable) nextChunk() bool {
	if c := t.chunk; c != nil {
		if err := c.failure(); err != nil {
			t.err = err
			return false
		}
		t.pipe.release(c)
		t.chunk = nil
	}
	c := t.pipe.next()
	if c.end {
		t.done = true
		t.pipe.release(c)
		return false
	}
	t.chunk, t.idx = c, 0
	return true
}

func (t *csvTable) Row() []string             { return t.row }
func (t *csvTable) RowNum() int               { return t.n }
func (t *csvTable) Err() error                { return t.err }
func (t *csvTable) Sheet() string             { return "" }
func (t *csvTable) DateSerials() (bool, bool) { return false, false }
func (t *csvTable) Uncached() []int           { return nil }

// Close stops the reading goroutines and waits for them.
func (t *csvTable) Close() error {
	t.pipe.close()
	return nil
}

// Encoding names the encoding found; call it after Close.
func (t *csvTable) Encoding() string {
	name := t.pipe.in.name
	if name == "" {
		name = encodingName(t.pipe.split.mode)
	}
	switch t.pipe.split.sep {
	case '\t':
		name += ", tab-separated"
	case ';':
		name += ", semicolon-separated"
	}
	return name
}

// readParsed gives the rows after the current one to take, parsed: from
// here on the workers parse invoice rows too, each with a parser of its
// own made by newParser, so that only take runs in file order. It stops
// when take returns false.
func (t *csvTable) readParsed(ctx context.Context, newParser func() *rowParser, take func(*parsedRows, int) bool) error {
	t.pipe.mapper.Store(&rowMapping{newParser: newParser})
	var own *rowParser // for records the workers parsed before they knew
	var ownRows parsedRows
	n := 0
	for t.err == nil && !t.done {
		c := t.chunk
		switch {
		case c == nil:
		case c.parsed != nil:
			for i := range c.parsed.rows {
				if n++; n%ctxCheckRows == 0 && ctx.Err() != nil {
					return ctx.Err()
				}
				if !take(c.parsed, i) {
					return nil
				}
			}
		case c.recs != nil:
			if own == nil {
				own = newParser()
			}
			for ; t.idx < len(c.recs.ends); t.idx++ {
				if n++; n%ctxCheckRows == 0 && ctx.Err() != nil {
					return ctx.Err()
				}
				ownRows.reset()
				own.parse(c.recs.record(t.idx), c.recs.rows[t.idx], nil, &ownRows)
				if !take(&ownRows, 0) {
					return nil
				}
			}
		}
		if !t.nextChunk() {
			break
		}
	}
	return t.err
}

// rowMapping asks the workers to parse invoice rows.
type rowMapping struct {
	newParser func() *rowParser
}

// csvPipe runs the goroutines of a csvTable.
type csvPipe struct {
	in      textInput
	split   *splitter
	quit    chan struct{}
	tokens  chan struct{} // one per chunk in flight: bounds memory
	work    chan *csvChunk
	results chan *csvChunk
	pending map[int]*csvChunk
	seq     int
	mapper  atomic.Pointer[rowMapping]
	wg      sync.WaitGroup
	once    sync.Once
	recs    sync.Pool // *csvRecords
	rows    sync.Pool // *parsedRows
}

func startCSVPipe(ctx context.Context, in textInput, file string, workers int) *csvPipe {
	inFlight := 2*workers + 2
	p := &csvPipe{
		in:      in,
		split:   newSplitter(in, file),
		quit:    make(chan struct{}),
		tokens:  make(chan struct{}, inFlight),
		work:    make(chan *csvChunk, inFlight),
		results: make(chan *csvChunk, inFlight),
		pending: make(map[int]*csvChunk),
	}
	p.recs.New = func() any { return new(csvRecords) }
	p.rows.New = func() any { return new(parsedRows) }
	p.wg.Add(1 + workers)
	go p.splitLoop(ctx)
	for range workers {
		go p.workLoop(ctx, file)
	}
	return p
}

func (p *csvPipe) splitLoop(ctx context.Context) {
	defer p.wg.Done()
	defer close(p.work)
	for {
		select {
		case p.tokens <- struct{}{}:
		case <-p.quit:
			return
		}
		var c *csvChunk
		if err := ctx.Err(); err != nil {
			c = &csvChunk{seq: p.split.seq, err: err}
		} else if c = p.split.next(ctx); c == nil {
			c = &csvChunk{seq: p.split.seq, end: true}
		}
		select {
		case p.work <- c:
		case <-p.quit:
			return
		}
		if c.end || c.err != nil {
			return
		}
	}
}

func (p *csvPipe) workLoop(ctx context.Context, file string) {
	defer p.wg.Done()
	parser := newCSVParser(file)
	var mapping *rowMapping
	var rp *rowParser
	for c := range p.work {
		select {
		case <-p.quit:
			return
		default:
		}
		if c.data != "" && ctx.Err() == nil {
			if m := p.mapper.Load(); m != nil {
				// Invoice rows: parsed straight from the fields.
				if m != mapping {
					mapping, rp = m, m.newParser()
				}
				rows := p.rows.Get().(*parsedRows)
				rows.err = parser.parse(c, func(fields []string, row int) bool {
					rp.parse(fields, row, nil, rows)
					return true
				})
				c.parsed = rows
			} else {
				recs := p.recs.Get().(*csvRecords)
				recs.err = parser.parse(c, recs.add)
				c.recs = recs
			}
		}
		select {
		case p.results <- c:
		case <-p.quit:
			return
		}
	}
}

// next returns the chunks in file order. It needs no context: when the
// reading's context is done, the splitter ends the chunks with its error
// and the workers pass the chunks before it on unparsed.
func (p *csvPipe) next() *csvChunk {
	for {
		if c, ok := p.pending[p.seq]; ok {
			delete(p.pending, p.seq)
			p.seq++
			return c
		}
		c := <-p.results
		p.pending[c.seq] = c
	}
}

// release ends the consumer's use of c, letting another chunk in.
func (p *csvPipe) release(c *csvChunk) {
	// Buffers a chunk of unusually many rows grew are left to the
	// collector rather than kept.
	if c.recs != nil && cap(c.recs.fields) <= 8*csvChunkRows {
		c.recs.reset()
		p.recs.Put(c.recs)
	}
	if c.parsed != nil && cap(c.parsed.rows) <= 2*csvChunkRows {
		c.parsed.reset()
		p.rows.Put(c.parsed)
	}
	c.recs, c.parsed = nil, nil
	<-p.tokens
}

func (p *csvPipe) close() {
	p.once.Do(func() {
		close(p.quit)
		p.wg.Wait()
	})
}

// failure is the error that ends the input after c's records.
func (c *csvChunk) failure() error {
	switch {
	case c.parsed != nil && c.parsed.err != nil:
		return c.parsed.err
	case c.recs != nil && c.recs.err != nil:
		return c.recs.err
	}
	return c.err
}
