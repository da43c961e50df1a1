package ranges

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func unread(track Track, n Number, why error, row int) Unread {
	return Unread{Number: InvoiceNumber{Track: track, Number: n}, Pos: Pos{File: "x.xlsx", Sheet: "s", Row: row, Col: 1}, Why: why}
}

// Numbers found in sheets that were not read matter only when they lie in
// an allocation and no export that was read lists them (used, or dated
// outside the period), whichever came first; each is listed once, with
// where it was first found.
func TestNotRead(t *testing.T) {
	u, err := NewUsage(testPeriod, []Allocation{alloc("53212539", TypeGeneral, "ZK", 100, 199), alloc("53212539", TypeGeneral, "ZL", 0, 149999)})
	if err != nil {
		t.Fatal(err)
	}
	sheetA, sheetB := errors.New("a"), errors.New("b")
	u.Add(inv("ZK", 100))
	for i, c := range []struct {
		u    Unread
		want bool
	}{
		{unread("ZK", 100, sheetA, 1), true},  // used before
		{unread("ZK", 101, sheetA, 2), true},  // used later
		{unread("ZK", 102, sheetA, 3), true},  // never used
		{unread("ZK", 103, sheetA, 3), true},  // dated outside the period: listed, not used
		{unread("ZK", 200, sheetA, 4), false}, // in no allocation
		{unread("ZM", 102, sheetA, 5), false},
		{unread("ZK", 102, sheetB, 1), true}, // found again
		{unread("ZL", 140000, sheetB, 2), true},
	} {
		if got := u.AddUnread(c.u); got != c.want {
			t.Errorf("AddUnread #%d = %v, want %v", i, got, c.want)
		}
	}
	u.Add(inv("ZK", 101))
	outside := inv("ZK", 103)
	outside.Date = time.Date(2025, 8, 31, 0, 0, 0, 0, time.UTC)
	if u.Add(outside) != OutsidePeriod {
		t.Fatal("ZK00000103 of 2025-08-31 counted")
	}
	nr := u.NotRead()
	if nr.Count != 2 || len(nr.First) != 2 || nr.First[0].Pos.Row != 3 || nr.First[0].Why != sheetA ||
		nr.First[1].Number.String() != "ZL00140000" || nr.First[1].Why != sheetB {
		t.Errorf("NotRead = %+v: want ZK00000102 at row 3 of sheet a and ZL00140000 of sheet b", nr)
	}
	u.Add(inv("ZK", 102))
	u.Add(inv("ZL", 140000))
	if nr := u.NotRead(); nr.Count != 0 || len(nr.First) != 0 {
		t.Errorf("every number used: NotRead = %+v", nr)
	}
}

// The cells kept to locate numbers are bounded; past the bound, the count
// stays exact, and the cells of numbers used since make room.
func TestNotReadBounded(t *testing.T) {
	u, err := NewUsage(testPeriod, []Allocation{alloc("53212539", TypeGeneral, "ZK", 0, 99999)})
	if err != nil {
		t.Fatal(err)
	}
	why := errors.New("a")
	// The first unreadKeep cells are used later, by a sheet read after
	// them; the next ones are not: they must still be located.
	for n := range Number(unreadKeep) {
		u.AddUnread(unread("ZK", n, why, int(n)+1))
	}
	for n := range Number(unreadKeep) {
		u.Add(inv("ZK", n))
	}
	for n := Number(unreadKeep); n < 50000; n++ {
		u.AddUnread(unread("ZK", n, why, int(n)+1))
	}
	nr := u.NotRead()
	if nr.Count != 50000-unreadKeep || len(nr.First) == 0 || len(nr.First) > unreadKeep || nr.First[0].Number.Number != unreadKeep {
		t.Errorf("NotRead: count %d, %d located, first %v: want %d, the first at %d", nr.Count, len(nr.First), nr.First[0].Number, 50000-unreadKeep, unreadKeep)
	}
	if cap(u.unreadSeen) > 2*unreadKeep {
		t.Errorf("kept %d cells", cap(u.unreadSeen))
	}
}

// Review rv1, finding 8: past the cells kept, the numbers were counted
// but their sheets were not named. NotRead.More has the first cell of
// each sheet found then.
func TestNotReadMoreNamesSheets(t *testing.T) {
	u, err := NewUsage(testPeriod, []Allocation{alloc("53212539", TypeGeneral, "ZK", 0, 99999)})
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := errors.New("a"), errors.New("b"), errors.New("c")
	n := Number(0)
	for _, s := range []struct {
		why   error
		cells int
	}{{a, unreadKeep + 10}, {b, 5}, {a, 5}, {c, 5}} {
		for range s.cells {
			u.AddUnread(unread("ZK", n, s.why, int(n)+1))
			n++
		}
	}
	nr := u.NotRead()
	var whys []error
	for _, m := range nr.More {
		whys = append(whys, m.Why)
	}
	if nr.Count != int(n) || len(nr.First) != unreadKeep || !slices.Equal(whys, []error{a, b, c}) || nr.More[0].Number.Number != unreadKeep {
		t.Errorf("NotRead: count %d, %d located, more %v from %v", nr.Count, len(nr.First), whys, nr.More[0].Number)
	}
}
