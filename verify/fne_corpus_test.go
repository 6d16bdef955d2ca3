package verify

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/bundle"
)

// rowRules are the FlexNet rules about a place in a CSV: their findings
// must name the line and the column.
var rowRules = map[string]bool{
	"fne.header": true, "fne.entitlement-id": true, "fne.activation-id": true, "fne.continuation": true,
	"fne.value": true, "fne.date-format-mixed": true, "fne.maintenance-link": true,
}

// TestFlexNetCorpus verifies every case of testdata/flexnet: each
// directory holds the files of one case and an expect file listing
// "<file> <rule>" for each rule a file must give; a file not listed must
// give no finding. Directories are searched as `licaudit verify DIR` does.
func TestFlexNetCorpus(t *testing.T) {
	expects, err := filepath.Glob(filepath.Join("..", "testdata", "flexnet", "*", "expect"))
	if err != nil || len(expects) < 15 {
		t.Fatalf("corpus missing (%d cases, %v)", len(expects), err)
	}
	for _, exp := range expects {
		dir := filepath.Dir(exp)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want := readExpect(t, exp)
			inputs, err := Collect([]string{dir}, "")
			if err != nil || len(inputs) == 0 {
				t.Fatalf("no input in %s (%v)", dir, err)
			}
			var got []string
			for _, in := range inputs {
				res := Verify(in, DefaultOptions())
				base := filepath.Base(in.Path)
				if res.Kind != bundle.FlexNet {
					t.Errorf("%s: kind %s", base, res.Kind)
				}
				for _, f := range res.Findings {
					got = append(got, base+" "+f.Rule)
					if rowRules[f.Rule] && (f.Line == 0 || f.Location == "") {
						t.Errorf("%s: a %s finding without line or column: %+v", base, f.Rule, f)
					}
					if rowRules[f.Rule] && strings.HasSuffix(base, ".zip") && f.File == "" {
						t.Errorf("%s: a %s finding without its member: %+v", base, f.Rule, f)
					}
				}
				if t.Failed() {
					t.Log(messages(res.Findings))
				}
			}
			got = slices.Compact(sorted(got))
			if !slices.Equal(got, want) {
				t.Errorf("findings %q, want %q", got, want)
			}
		})
	}
}

func readExpect(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if len(strings.Fields(line)) != 2 {
			t.Fatalf("%s: %q is not \"<file> <rule>\"", path, line)
		}
		out = append(out, strings.Join(strings.Fields(line), " "))
	}
	return slices.Compact(sorted(out))
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}
