package job

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/internal/benchmem"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

const (
	benchBranches = 200
	benchInvoices = 100_000 // per branch
)

var (
	benchOnce  sync.Once
	benchDir   string
	benchBytes int64
	benchErr   error
)

// benchConfig writes, once per test binary, a chain of benchBranches
// branches: each its own 統編, a track of 102,400 numbers, and a POS export
// of benchInvoices invoices (every 97th number skipped, every 50th voided)
// as UTF-8 CSV, and the config naming them.
func benchConfig(b *testing.B) string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "blanktrack-bench-branches-")
		if benchErr != nil {
			return
		}
		var cfg bytes.Buffer
		fmt.Fprintf(&cfg, "period = \"114/09~114/10\"\n")
		bans := validBans(benchBranches)
		for i, ban := range bans {
			track := fmt.Sprintf("%c%c", 'A'+i/26, 'A'+i%26)
			alloc := fmt.Sprintf("a%03d.csv", i)
			inv := fmt.Sprintf("i%03d.csv", i)
			data := fmt.Sprintf("營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號\n%s,7,一般稅額計算,114/09~114/10,%s,10000000,10102399\n", ban, track)
			if benchErr = os.WriteFile(filepath.Join(benchDir, alloc), []byte(data), 0o644); benchErr != nil {
				return
			}
			if benchErr = writeExport(filepath.Join(benchDir, inv), ban, track); benchErr != nil {
				return
			}
			fmt.Fprintf(&cfg, "[[branch]]\nban = %q\nalloc = [%q]\ninvoices = [%q]\n", ban, alloc, inv)
		}
		benchErr = os.WriteFile(filepath.Join(benchDir, "blanktrack.toml"), cfg.Bytes(), 0o644)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return filepath.Join(benchDir, "blanktrack.toml")
}

func writeExport(name string, ban ranges.Ban, track string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, "發票號碼,發票日期,發票狀態,賣方統一編號\r\n")
	for i, n := 0, 0; i < benchInvoices; n++ {
		if n%97 == 96 {
			continue
		}
		status := "開立"
		if i%50 == 0 {
			status = "作廢"
		}
		fmt.Fprintf(w, "%s%08d,2025/10/%02d,%s,%s\r\n", track, 10000000+n, 1+i%31, status, ban)
		i++
	}
	err = w.Flush()
	st, _ := f.Stat()
	benchBytes += st.Size()
	return errors.Join(err, f.Close())
}

// validBans are the first n 統一編號 with a valid checksum from 10000000.
func validBans(n int) []ranges.Ban {
	var out []ranges.Ban
	for v := 10000000; len(out) < n; v++ {
		if b, err := ranges.ParseBan(fmt.Sprint(v)); err == nil {
			out = append(out, b)
		}
	}
	return out
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// BenchmarkManyBranches runs the whole job on a chain of 200 branches of
// 100,000 invoices each (20,000,000 invoices), as generate --config does,
// rendering every branch's files.
func BenchmarkManyBranches(b *testing.B) {
	cfgFile := benchConfig(b)
	cfg, err := LoadConfig(cfgFile)
	if err != nil {
		b.Fatal(err)
	}
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		peak = max(peak, benchmem.Peak(func() {
			res, err := Run(context.Background(), cfg.Spec(time.Now()))
			if err != nil {
				b.Fatal(err)
			}
			if res.Failed() > 0 || len(res.Files()) != benchBranches {
				b.Fatalf("%d failed, %d files", res.Failed(), len(res.Files()))
			}
		}))
	}
	benchmem.Report(b, peak)
	b.SetBytes(benchBytes)
}

// BenchmarkManyBranchesLineScan is the floor for the same files: reading
// every export and counting its lines.
func BenchmarkManyBranchesLineScan(b *testing.B) {
	benchConfig(b)
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		peak = max(peak, benchmem.Peak(func() {
			lines := 0
			buf := make([]byte, 1<<20)
			for i := 0; i < benchBranches; i++ {
				f, err := os.Open(filepath.Join(benchDir, fmt.Sprintf("i%03d.csv", i)))
				if err != nil {
					b.Fatal(err)
				}
				for {
					n, err := f.Read(buf)
					lines += bytes.Count(buf[:n], []byte{'\n'})
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				f.Close()
			}
			if lines != benchBranches*(benchInvoices+1) {
				b.Fatalf("%d lines", lines)
			}
		}))
	}
	benchmem.Report(b, peak)
	b.SetBytes(benchBytes)
}
