// Package schema holds the format knowledge licaudit checks against, as data:
// the embedded JSON Schemas (including the report's own), the name grammars,
// and the known members and columns of each bundle kind.
package schema

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed builtin/*.schema.json
var builtin embed.FS

// Schema names. A user override for NAME is the file NAME.schema.json in the
// --schema-dir directory.
const (
	License       = "license"
	Patch         = "patch"
	AdaptationLog = "adaptation_log"
	Report        = "report"
)

// Names lists the built-in schemas.
func Names() []string {
	entries, _ := fs.ReadDir(builtin, "builtin")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".schema.json"))
	}
	sort.Strings(out)
	return out
}

// Builtin returns the text of a built-in schema.
func Builtin(name string) ([]byte, error) {
	b, err := builtin.ReadFile("builtin/" + name + ".schema.json")
	if err != nil {
		return nil, fmt.Errorf("no built-in schema %q (have %s)", name, strings.Join(Names(), ", "))
	}
	return b, nil
}

// Set is the schemas in force for a run: the built-in ones, each replaced by
// a file of the same name from an override directory when there is one.
// A Set is safe for concurrent use.
type Set struct {
	text     map[string][]byte
	origin   map[string]string
	mu       sync.Mutex
	compiled map[string]*jsonschema.Schema
}

// Load returns the built-in schemas with overrides from dir ("" for none).
// Every schema in force is compiled here, so a broken override is a usage
// error before any bundle is read.
func Load(dir string) (*Set, error) {
	s := &Set{text: map[string][]byte{}, origin: map[string]string{}, compiled: map[string]*jsonschema.Schema{}}
	for _, n := range Names() {
		b, _ := Builtin(n)
		s.text[n] = b
		s.origin[n] = "built-in"
	}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("schema directory: %w", err)
		}
		for _, e := range entries {
			name, ok := strings.CutSuffix(e.Name(), ".schema.json")
			if !ok || e.IsDir() {
				continue
			}
			if _, known := s.text[name]; !known {
				return nil, fmt.Errorf("schema directory: %s replaces no built-in schema (have %s)", e.Name(), strings.Join(Names(), ", "))
			}
			p := filepath.Join(dir, e.Name())
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("schema directory: %w", err)
			}
			s.text[name] = b
			s.origin[name] = p
		}
	}
	for n := range s.text {
		if _, err := s.Validator(n); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Origin says where the schema in force for name came from: "built-in" or
// the override's path.
func (s *Set) Origin(name string) string { return s.origin[name] }

// Validator returns the compiled schema of name.
func (s *Set) Validator(name string) (*jsonschema.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.compiled[name]; ok {
		return c, nil
	}
	text, ok := s.text[name]
	if !ok {
		return nil, fmt.Errorf("no schema %q", name)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("schema %s (%s) is not valid JSON: %w", name, s.origin[name], err)
	}
	url := "licaudit:///" + name + ".schema.json"
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("schema %s (%s): %w", name, s.origin[name], err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schema %s (%s) does not compile: %w", name, s.origin[name], err)
	}
	s.compiled[name] = sch
	return sch, nil
}

// Digest is the SHA-256 over the names and texts of the schemas in force,
// recorded in reports as provenance.
func (s *Set) Digest() string {
	names := make([]string, 0, len(s.text))
	for n := range s.text {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(s.text[n])
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
