package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/generate"
	"github.com/licaudit/licaudit/verify"
)

// TestRulesDocIsCurrent keeps docs/rules.md what the code generates.
func TestRulesDocIsCurrent(t *testing.T) {
	code, out, errOut := licaudit(t, "rules", "--format", "markdown")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "rules.md"))
	if err != nil {
		t.Fatalf("docs/rules.md: %v (run make docs)", err)
	}
	if string(doc) != out {
		t.Fatal("docs/rules.md is stale: run make docs")
	}
}

func TestRulesJSON(t *testing.T) {
	code, out, errOut := licaudit(t, "rules", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []struct {
		ID       string   `json:"id"`
		Severity string   `json:"default_severity"`
		Summary  string   `json:"description"`
		Hint     string   `json:"fix_hint"`
		Family   string   `json:"family"`
		Defects  []string `json:"defect_generators"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	rules := verify.Rules()
	if len(got) != len(rules) {
		t.Fatalf("%d rules listed, the catalogue has %d", len(got), len(rules))
	}
	byID := map[string]bool{}
	for _, r := range got {
		byID[r.ID] = true
		if _, err := finding.ParseSeverity(r.Severity); err != nil || r.Summary == "" || r.Hint == "" || r.Defects == nil || !strings.HasPrefix(r.ID, r.Family+".") {
			t.Errorf("incomplete entry %+v", r)
		}
	}
	for _, r := range rules {
		if !byID[r.ID] {
			t.Errorf("rule %s not listed", r.ID)
		}
	}
}

// TestRulesDefectColumn: a rule is listed with a generator exactly when
// that generator's --defect accepts it.
func TestRulesDefectColumn(t *testing.T) {
	for _, e := range catalogue() {
		want := []string{}
		for _, g := range []struct {
			name string
			ids  []string
		}{{"voss", generate.VOSSDefects()}, {"flexnet", generate.FlexNetDefects()}} {
			for _, id := range g.ids {
				if id == e.ID {
					want = append(want, g.name)
				}
			}
		}
		if !reflect.DeepEqual(e.Defects, want) {
			t.Errorf("%s: defects %v, want %v", e.ID, e.Defects, want)
		}
	}
	for _, id := range append(generate.VOSSDefects(), generate.FlexNetDefects()...) {
		if _, ok := verify.Rule(id); !ok {
			t.Errorf("a generator breaks %q, which is not in the catalogue", id)
		}
	}
}

func TestRulesTable(t *testing.T) {
	code, out, errOut := licaudit(t, "rules")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for i, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > rulesTableWidth {
			t.Errorf("line %d is %d columns wide: %q", i+1, n, l)
		}
		if strings.TrimRight(l, " ") != l {
			t.Errorf("line %d has trailing blanks: %q", i+1, l)
		}
	}
	for _, r := range verify.Rules() {
		if !strings.Contains(out, "\n"+r.ID+" ") {
			t.Errorf("rule %s missing from the table", r.ID)
		}
	}
}

func TestRulesMarkdownHasEveryRule(t *testing.T) {
	var b bytes.Buffer
	if err := rulesMarkdown(&b, catalogue()); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, r := range verify.Rules() {
		if !strings.Contains(md, "\n| `"+r.ID+"` | "+r.Severity.String()+" | ") {
			t.Errorf("no table row for %s", r.ID)
		}
	}
	for _, f := range families {
		if !strings.Contains(md, "\n## "+f.id+": "+f.title+"\n") {
			t.Errorf("no section for family %s", f.id)
		}
	}
}

func TestRulesUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"rules", "--format", "yaml"}, {"rules", "extra"}} {
		if code, _, errOut := licaudit(t, args...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

func TestWrapText(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  []string
	}{
		{"", 10, []string{""}},
		{"one two three", 7, []string{"one two", "three"}},
		{"one  two\tthree", 20, []string{"one two three"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"a abcdefghij", 4, []string{"a", "abcd", "efgh", "ij"}},
		{"ééé ééé", 3, []string{"ééé", "ééé"}},
	}
	for _, tc := range cases {
		if got := wrapText(tc.in, tc.width); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("wrapText(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}
