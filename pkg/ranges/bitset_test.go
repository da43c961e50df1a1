package ranges

import (
	"math/rand/v2"
	"testing"
)

// The bitset agrees with a plain map on random sets, runs and counts,
// across chunk edges and empty chunks.
func TestBitsetMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 200; iter++ {
		n := 1 + rng.IntN(3*chunkBits)
		b := newBitset(n)
		m := map[uint32]bool{}
		for k := rng.IntN(300); k > 0; k-- {
			i := uint32(rng.IntN(n))
			if rng.IntN(3) == 0 { // clusters at a chunk's edge
				i = uint32(min(n-1, chunkBits-2+rng.IntN(4)))
			}
			if was := b.set(i); was != m[i] {
				t.Fatalf("set(%d) reported %v, want %v", i, was, m[i])
			}
			m[i] = true
		}
		lo := uint32(rng.IntN(n))
		hi := lo + uint32(rng.IntN(n-int(lo)))
		want := 0
		var runs [][2]uint32
		for i := lo; i <= hi; i++ {
			if b.has(i) != m[i] {
				t.Fatalf("has(%d) = %v", i, b.has(i))
			}
			if m[i] {
				want++
				continue
			}
			if len(runs) > 0 && runs[len(runs)-1][1] == i-1 {
				runs[len(runs)-1][1] = i
			} else {
				runs = append(runs, [2]uint32{i, i})
			}
		}
		if got := b.count(lo, hi); got != want {
			t.Fatalf("count(%d, %d) = %d, want %d", lo, hi, got, want)
		}
		var got [][2]uint32
		b.clearRuns(lo, hi, func(f, l uint32) { got = append(got, [2]uint32{f, l}) })
		if len(got) != len(runs) {
			t.Fatalf("clearRuns(%d, %d): %d runs, want %d", lo, hi, len(got), len(runs))
		}
		for i := range got {
			if got[i] != runs[i] {
				t.Fatalf("run %d = %v, want %v", i, got[i], runs[i])
			}
		}
	}
}
