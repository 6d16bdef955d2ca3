package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"

	"github.com/licaudit/licaudit/finding"
)

// newRule declares a catalogue entry. Rules are plain data; the checks that
// emit them live in the file of their family (zip.go, hash.go, ...).
func newRule(id string, sev finding.Severity, summary, hint string) *finding.Rule {
	r := &finding.Rule{ID: id, Severity: sev, Summary: summary, Hint: hint}
	if _, dup := registry[id]; dup {
		panic("verify: rule declared twice: " + id)
	}
	registry[id] = r
	return r
}

var registry = map[string]*finding.Rule{}

// Rules returns the whole catalogue sorted by id. The slice is a copy.
func Rules() []finding.Rule {
	out := make([]finding.Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Rule looks a rule up by id.
func Rule(id string) (finding.Rule, bool) {
	r, ok := registry[id]
	if !ok {
		return finding.Rule{}, false
	}
	return *r, true
}

// CatalogueDigest is the SHA-256 of the catalogue as JSON, recorded in
// reports so that a report says which rule set produced it.
func CatalogueDigest() string {
	b, err := json.Marshal(Rules())
	if err != nil {
		panic(err) // plain structs always marshal
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
