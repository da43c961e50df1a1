// Package benchmem measures the peak memory of a piece of work, for
// benchmarks that report it beside time.
package benchmem

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Peak samples the memory the Go runtime holds from the OS (what RSS sees
// of the heap) while f runs, and returns the peak in bytes.
func Peak(f func()) uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	var peak atomic.Uint64
	read := func() {
		metrics.Read(samples)
		if v := samples[0].Value.Uint64() - samples[1].Value.Uint64(); v > peak.Load() {
			peak.Store(v)
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	f()
	read()
	close(done)
	wg.Wait()
	return peak.Load()
}

// Report adds the peak, in MiB, to a benchmark's results as peak-MiB.
func Report(b *testing.B, peak uint64) {
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}
