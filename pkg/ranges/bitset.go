package ranges

import "math/bits"

// chunkBits is how many numbers one chunk of a bitset holds: 8 KiB of
// words, allocated when a number in it is first set. An allocation whose
// numbers no invoice touches costs a pointer per chunk.
const (
	chunkBits  = 1 << 16
	chunkWords = chunkBits / 64
)

type chunk [chunkWords]uint64

// bitset is a set of the numbers 0 to n-1, n fixed when it is made. Its
// memory is bounded by n/8 bytes, however many numbers are set, and is far
// less when the set numbers cluster (as invoice numbers do).
type bitset struct {
	chunks []*chunk
}

func newBitset(n int) bitset {
	return bitset{chunks: make([]*chunk, (n+chunkBits-1)/chunkBits)}
}

// set adds i and reports whether it was there already.
func (b *bitset) set(i uint32) bool {
	c := b.chunks[i/chunkBits]
	if c == nil {
		c = new(chunk)
		b.chunks[i/chunkBits] = c
	}
	w, bit := &c[i%chunkBits/64], uint64(1)<<(i%64)
	was := *w&bit != 0
	*w |= bit
	return was
}

func (b *bitset) has(i uint32) bool {
	c := b.chunks[i/chunkBits]
	return c != nil && c[i%chunkBits/64]&(1<<(i%64)) != 0
}

// word returns the 64 bits from 64*w.
func (b *bitset) word(w uint32) uint64 {
	c := b.chunks[w/chunkWords]
	if c == nil {
		return 0
	}
	return c[w%chunkWords]
}

// count is how many of lo..hi (inclusive) are set.
func (b *bitset) count(lo, hi uint32) int {
	n := 0
	for w := lo / 64; w <= hi/64; {
		if b.chunks[w/chunkWords] == nil {
			w = (w/chunkWords + 1) * chunkWords // skip an empty chunk
			continue
		}
		n += bits.OnesCount64(b.word(w) & span(w, lo, hi))
		w++
	}
	return n
}

// countAndNot is how many numbers b holds that none of others does; all
// must be of the same size.
func (b *bitset) countAndNot(others ...*bitset) int {
	n := 0
	for ci, c := range b.chunks {
		if c == nil {
			continue
		}
		for w, v := range c {
			for _, o := range others {
				if oc := o.chunks[ci]; oc != nil {
					v &^= oc[w]
				}
			}
			n += bits.OnesCount64(v)
		}
	}
	return n
}

// span masks the bits of word w that lie in lo..hi.
func span(w, lo, hi uint32) uint64 {
	m := ^uint64(0)
	if w == lo/64 {
		m &= ^uint64(0) << (lo % 64)
	}
	if w == hi/64 {
		m &= ^uint64(0) >> (63 - hi%64)
	}
	return m
}

// clearRuns calls f with every maximal run of numbers not set in lo..hi,
// in order.
func (b *bitset) clearRuns(lo, hi uint32, f func(first, last uint32)) {
	i := uint64(lo)
	end := uint64(hi)
	for i <= end {
		// i is clear or set: find the next clear number from i.
		i = b.next(i, end, false)
		if i > end {
			return
		}
		j := b.next(i, end, true) // the next set number, or end+1
		f(uint32(i), uint32(j-1))
		i = j
	}
}

// next returns the first number from i to end that is set (want true) or
// clear (want false), or end+1.
func (b *bitset) next(i, end uint64, want bool) uint64 {
	for i <= end {
		w := uint32(i / 64)
		if b.chunks[w/chunkWords] == nil {
			if !want {
				return i
			}
			i = uint64(w/chunkWords+1) * chunkBits
			continue
		}
		v := b.word(w)
		if !want {
			v = ^v
		}
		v &= ^uint64(0) << (i % 64)
		if v != 0 {
			if k := uint64(w)*64 + uint64(bits.TrailingZeros64(v)); k <= end {
				return k
			}
			return end + 1
		}
		i = uint64(w+1) * 64
	}
	return end + 1
}
