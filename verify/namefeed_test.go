package verify

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"
)

// TestNameFeed feeds names through several batches (with empty names,
// repeats in a row and not, and a reservation among them) and compares
// the identity with one built by adding the same names in place.
func TestNameFeed(t *testing.T) {
	type entry struct {
		name string
		kind nameKind
	}
	var entries []entry
	for i := 0; i < 3*nameBatchNames+17; i++ {
		entries = append(entries,
			entry{"Provider One", kindProvider},
			entry{fmt.Sprintf("Reseller %d", i/100), kindReseller},
			entry{fmt.Sprintf("Customer Number %d GmbH", i), kindCustomer},
			// Resellers in no order: a few that repeat, and more than the
			// feed remembers.
			entry{fmt.Sprintf("Channel %d", i%7), kindReseller},
			entry{fmt.Sprintf("Partner %d", i*7919%(2*maxQueuedRepeats)), kindReseller})
		if i%500 == 0 {
			entries = append(entries, entry{"", kindCustomer})
		}
		if i == 3 { // a provider's name as a reseller's too
			entries = append(entries, entry{"Provider One", kindReseller})
		}
	}
	direct, fed := newIdentity(), newIdentity()
	for _, e := range entries {
		direct.add(e.name, e.kind)
	}
	f := startNameFeed(fed)
	for i, e := range entries {
		if i == 1000 {
			f.reserve(len(entries))
		}
		// The feed copies: the text handed to it is overwritten at once,
		// as a row's cells are once the next row is read.
		cell := []byte(e.name)
		view := ""
		if len(cell) > 0 {
			view = unsafe.String(&cell[0], len(cell))
		}
		f.add(view, e.kind)
		clear(cell)
	}
	f.finish()
	for k, queued := range f.queued {
		if len(queued) > maxQueuedRepeats {
			t.Errorf("the feed remembers %d names of slot %d, more than %d", len(queued), k, maxQueuedRepeats)
		}
	}
	if fed.detailed.count != direct.detailed.count {
		t.Fatalf("the fed set holds %d names, the direct one %d", fed.detailed.count, direct.detailed.count)
	}
	for _, e := range entries {
		cell := "see " + e.name + " here"
		if got, want := inspectCell(fed, cell), inspectCell(direct, cell); got != want {
			t.Fatalf("%q: fed %+v, direct %+v", cell, got, want)
		}
	}
}

// TestNameFeedBoundsBatches feeds names as long as a line may be: a batch
// closes on its bytes long before its count, so the names in flight stay
// bounded, and every name still arrives.
func TestNameFeedBoundsBatches(t *testing.T) {
	long := strings.Repeat("Very Long Customer Name ", 20_000) // 480 KB
	id := newIdentity()
	f := startNameFeed(id)
	for i := 0; i < 40; i++ {
		f.add(fmt.Sprintf("%s%d", long[:len(long)-i], i), kindCustomer)
		if n := len(f.cur.text); n >= nameBatchBytes {
			t.Fatalf("after name %d the open batch holds %d bytes; it should have closed at %d", i, n, nameBatchBytes)
		}
	}
	f.add("Acme Widgets", kindCustomer)
	f.finish()
	if r := inspectCell(id, "see Acme Widgets here"); r.kinds&kindCustomer == 0 {
		t.Errorf("the name fed after the long ones is not found: %+v", r)
	}
}

// BenchmarkNameFeed feeds a million customer names, and a reseller name
// every thousand, through a feed reserved for them, as a detailed CSV of a
// million customers does.
func BenchmarkNameFeed(b *testing.B) {
	names := benchNames(1_000_000)
	for b.Loop() {
		f := startNameFeed(newIdentity())
		f.reserve(len(names) + len(names)/1000)
		for i, name := range names {
			f.add(name, kindCustomer)
			if i%1000 == 0 {
				f.add(fmt.Sprint("Reseller-", i), kindReseller)
			}
		}
		f.finish()
	}
}
