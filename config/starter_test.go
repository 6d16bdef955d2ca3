package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/licaudit/licaudit/verify"
)

// TestStarterChangesNothing: the starter as written loads and configures
// nothing, so "config init" cannot change a run's outcome by itself.
func TestStarterChangesNothing(t *testing.T) {
	cfg, err := Parse(DefaultFile, []byte(Starter))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Severities)+len(cfg.Ignore)+len(cfg.Waivers)+len(cfg.Limits) > 0 || cfg.DatetimeTolerance != nil || cfg.SchemaDir != "" {
		t.Errorf("the starter configures something: %+v", cfg)
	}
}

// exampleLine is a commented line of the starter that is YAML to uncomment
// ("#   key: value", "#   - item"), as opposed to prose.
var exampleLine = regexp.MustCompile(`^(\s*)# (\s*(?:[a-z"][a-z0-9_.*"-]*:(?:\s|$)|- ).*)$`)

// uncomment turns every example line of the starter into YAML by removing
// its "# ", as the starter tells its reader to.
func uncomment(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if m := exampleLine.FindStringSubmatch(l); m != nil {
			lines[i] = m[1] + m[2]
		}
	}
	return strings.Join(lines, "\n")
}

// TestStarterExamples: with every example uncommented the starter still
// loads, sets every key, and its limits and tolerance are the defaults, as
// its text says.
func TestStarterExamples(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "schemas"), 0o755); err != nil {
		t.Fatal(err)
	}
	text := uncomment(Starter)
	cfg, err := Parse(filepath.Join(dir, DefaultFile), []byte(text))
	if err != nil {
		t.Fatalf("%v\nin:\n%s", err, text)
	}
	if len(cfg.Severities) != 3 || len(cfg.Ignore) != 1 || len(cfg.Waivers) != 2 || cfg.SchemaDir == "" {
		t.Errorf("the uncommented examples configure %+v", cfg)
	}
	keys := 0
	for _, sec := range limitSections {
		names, _ := limitKeys(sec)
		keys += len(names)
	}
	if len(cfg.Limits) != keys {
		t.Errorf("the starter shows %d limits, the options have %d", len(cfg.Limits), keys)
	}
	got := cfg.Options(verify.DefaultOptions())
	got.Schemas = nil
	if want := verify.DefaultOptions(); !reflect.DeepEqual(got, want) {
		t.Errorf("the limits the starter shows are not the defaults:\n got %+v\nwant %+v", got, want)
	}
	if *cfg.DatetimeTolerance != 24*time.Hour {
		t.Errorf("tolerance %v", *cfg.DatetimeTolerance)
	}
}

// TestStarterExplainsEveryKey: each key the parser knows appears in the
// starter.
func TestStarterExplainsEveryKey(t *testing.T) {
	keys := append(append([]string{"severity", "ignore"}, topKeys...), waiverKeys...)
	for _, fc := range verify.FormChoices {
		keys = append(keys, fc.Key)
	}
	for _, sec := range limitSections {
		names, _ := limitKeys(sec)
		keys = append(keys, sec.name)
		keys = append(keys, names...)
	}
	for _, k := range keys {
		if !regexp.MustCompile(`(?m)^[\s#-]*` + regexp.QuoteMeta(k) + `:`).MatchString(Starter) {
			t.Errorf("the starter does not show key %q", k)
		}
	}
}
