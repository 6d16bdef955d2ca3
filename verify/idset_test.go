package verify

import (
	"fmt"
	"testing"
)

func TestIDSet(t *testing.T) {
	s := newIDSet()
	steps := []struct {
		id        string
		line      int
		wantFirst int
		wantRep   bool
	}{
		{"a", 2, 0, false},
		{"b", 3, 0, false},
		{"a", 4, 2, true},
		{"", 5, 0, false},
		{"", 6, 5, true},
		{"b", 7, 3, true},
	}
	for _, st := range steps {
		first, rep := s.add(st.id, st.line)
		if first != st.wantFirst || rep != st.wantRep {
			t.Fatalf("add(%q, %d) = %d, %v; want %d, %v", st.id, st.line, first, rep, st.wantFirst, st.wantRep)
		}
	}
	if !s.has("a") || !s.has("") || s.has("c") || s.len() != 3 {
		t.Fatalf("has/len wrong: a %v, empty %v, c %v, len %d", s.has("a"), s.has(""), s.has("c"), s.len())
	}
}

// TestIDSetAgainstMap adds enough identifiers to make the table grow many
// times, every third one a repeat, and compares each answer with a map.
func TestIDSetAgainstMap(t *testing.T) {
	s := newIDSet()
	want := map[string]int{}
	for i := 0; i < 200000; i++ {
		id := fmt.Sprintf("id-%d", i)
		if i%3 == 2 {
			id = fmt.Sprintf("id-%d", i/2)
		}
		line := i + 2
		first, rep := s.add(id, line)
		w, seen := want[id]
		if rep != seen || (seen && first != w) {
			t.Fatalf("add(%q, %d) = %d, %v; a map says %d, %v", id, line, first, rep, w, seen)
		}
		if !seen {
			want[id] = line
		}
	}
	if s.len() != len(want) {
		t.Fatalf("len %d, want %d", s.len(), len(want))
	}
	for id := range want {
		if !s.has(id) {
			t.Fatalf("has(%q) is false", id)
		}
	}
	if s.has("absent") {
		t.Fatal(`has("absent") is true`)
	}
	if perID := float64(s.bytes()) / float64(s.len()); perID > 19 {
		t.Fatalf("%.1f bytes per identifier; the table should stay 64%% to 80%% full (15 to 19 bytes)", perID)
	}
}
