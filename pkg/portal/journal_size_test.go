package portal

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// bigEntry is the journal entry of a parcel of n two-number ranges, sent
// at sent.
func bigEntry(n int, sent time.Time, unsure bool) JournalEntry {
	e := JournalEntry{SHA256: strings.Repeat("ab", 32), Name: "83012410_11410_big.csv", Sent: sent, Unsure: unsure}
	if !unsure {
		e.ID = "1"
	}
	for i := range n {
		e.Ranges = append(e.Ranges, rangeKey(fakeRange(ranges.Number(2*i), ranges.Number(2*i+1))))
	}
	return e
}

// The journal of the largest parcel upload sends (a bulk file of 99,999
// ranges) is written and read back, sent unsure and then settled: the
// writer keeps to the size the reader trusts. (A 25,000-range file wrote a
// 1.2 MB journal every later run refused, --resend included.)
func TestJournalOfTheLargestParcelReadsBack(t *testing.T) {
	j := &journal{path: filepath.Join(t.TempDir(), "j.json"), ban: "83012410", period: fakePeriod}
	sent := time.Now().UTC().Round(0).Add(-time.Hour)
	e := bigEntry(99999, sent, true)
	for _, unsure := range []bool{true, false} {
		e.Unsure = unsure
		if !unsure {
			e.ID = "1"
		}
		if err := j.put(e); err != nil {
			t.Fatalf("unsure %v: put: %v", unsure, err)
		}
		es, err := j.read()
		if err != nil {
			t.Fatalf("unsure %v: read: %v", unsure, err)
		}
		if len(es) != 1 || len(es[0].Ranges) != 99999 || es[0].Unsure != unsure || es[0].Ranges[99998] != e.Ranges[99998] {
			t.Fatalf("unsure %v: read back %d entries", unsure, len(es))
		}
	}
}

// Over the cap, the oldest settled entries go first, and entries without
// a clear answer stay; when those alone are over it, the journal is left
// as it was and the put fails, naming it: the caller sends nothing.
func TestJournalOverItsCapDropsSettledEntriesFirst(t *testing.T) {
	j := &journal{path: filepath.Join(t.TempDir(), "j.json"), ban: "83012410", period: fakePeriod}
	t0 := time.Now().UTC().Round(0).Add(-time.Hour)
	oldSettled := bigEntry(1000, t0, false)
	oldUnsure := bigEntry(1000, t0.Add(time.Minute), true)
	newSettled := bigEntry(1000, t0.Add(2*time.Minute), false)
	next := bigEntry(1000, t0.Add(3*time.Minute), true)
	// Room for three entries of 1,000 ranges, not four.
	defer func(m int) { journalMax = m }(journalMax)
	one, err := (&journal{}).fit([]JournalEntry{oldSettled})
	if err != nil {
		t.Fatal(err)
	}
	journalMax = len(one) * 7 / 2
	for _, e := range []JournalEntry{oldSettled, oldUnsure, newSettled, next} {
		if err := j.put(e); err != nil {
			t.Fatalf("put %v: %v", e.Sent, err)
		}
	}
	es, err := j.read()
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3 || !es[0].Sent.Equal(oldUnsure.Sent) || !es[1].Sent.Equal(newSettled.Sent) || !es[2].Sent.Equal(next.Sent) {
		t.Fatalf("kept %d entries: %v", len(es), es)
	}
	// Only unsure entries left to drop: refused, the journal unchanged.
	if err := j.put(bigEntry(1000, t0.Add(4*time.Minute), true)); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(j.path)
	if err != nil {
		t.Fatal(err)
	}
	err = j.put(bigEntry(1000, t0.Add(5*time.Minute), true))
	if err == nil || !strings.Contains(err.Error(), j.path) || !strings.Contains(err.Error(), "entries without a clear answer alone") {
		t.Fatalf("put over the cap: %v", err)
	}
	if after, _ := os.ReadFile(j.path); !bytes.Equal(before, after) {
		t.Error("the journal changed")
	}
}
