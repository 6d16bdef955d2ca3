package verify

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/licaudit/licaudit/finding"
)

// Hash rules: the .hash sidecar of each JSON and CSV member.
var (
	ruleHashMissing = newRule("hash.missing", finding.Error,
		"A JSON or CSV member has no `.hash` file.",
		"Send the .hash files the exporter wrote alongside each JSON and CSV file.")
	ruleHashOrphan = newRule("hash.orphan", finding.Warning,
		"A `.hash` file names a member that is absent.",
		"Send the file the .hash belongs to, or remove the stray .hash.")
	ruleHashMalformed = newRule("hash.malformed", finding.Error,
		"A `.hash` file is not a bare hex digest, a GNU `sha256sum` line or a BSD tag line.",
		"Regenerate the .hash with the exporter (or `sha256sum FILE > FILE.hash`).")
	ruleHashWrongTarget = newRule("hash.wrong-target", finding.Error,
		"The digest line names a file other than the one the `.hash` belongs to.",
		"Regenerate the .hash for the file it is named after.")
	ruleHashMismatch = newRule("hash.mismatch", finding.Error,
		"The digest does not match the member's content: it changed after export or was damaged.",
		"Regenerate the export; never edit a file after its .hash was written.")
	ruleHashWeakAlgorithm = newRule("hash.weak-algorithm", finding.Warning,
		"The digest is MD5 or SHA-1, which no longer protect against deliberate changes.",
		"Use SHA-256 digests (the exporter's default).")
)

// Hash-file forms, as named in messages.
const (
	formBare = "bare hex digest"
	formGNU  = "GNU sha256sum line"
	formBSD  = "BSD tag line"
)

// maxHashFile bounds a .hash member: a digest line is under 200 bytes.
const maxHashFile = 4 << 10

// hashLine is a parsed .hash file.
type hashLine struct {
	Algo   string // "MD5", "SHA1", "SHA256" or "SHA512"
	Digest []byte
	Name   string // the file the line names; "" for a bare digest
	Form   string
}

var digestLen = map[int]string{16: "MD5", 20: "SHA1", 32: "SHA256", 64: "SHA512"}

var bsdTags = map[string]string{
	"MD5": "MD5", "SHA1": "SHA1", "SHA256": "SHA256", "SHA512": "SHA512",
	"SHA-1": "SHA1", "SHA-256": "SHA256", "SHA-512": "SHA512", "SHA2-256": "SHA256", "SHA2-512": "SHA512",
}

// parseHashFile reads a .hash file: one bare hex digest, GNU line
// ("HEX  NAME" or "HEX *NAME") or BSD line ("SHA256 (NAME) = HEX"), in
// either case, with an optional LF or CRLF ending. The algorithm comes from
// the BSD tag or else from the digest's length.
func parseHashFile(b []byte) (hashLine, error) {
	text := string(b)
	text = strings.TrimSuffix(text, "\n")
	text = strings.TrimSuffix(text, "\r")
	text = strings.TrimPrefix(text, "\ufeff")
	if text == "" {
		return hashLine{}, errors.New("it is empty")
	}
	if strings.ContainsAny(text, "\r\n") {
		return hashLine{}, errors.New("it holds more than one line; a .hash holds one digest")
	}
	// BSD: TAG (NAME) = HEX
	if i := strings.Index(text, " ("); i > 0 {
		if tag, ok := bsdTags[strings.ToUpper(text[:i])]; ok {
			j := strings.LastIndex(text, ") = ")
			if j < i {
				return hashLine{}, fmt.Errorf("the %s tag line lacks \") = \" before the digest", text[:i])
			}
			d, err := decodeDigest(text[j+4:])
			if err != nil {
				return hashLine{}, err
			}
			if digestLen[len(d)] != tag {
				return hashLine{}, fmt.Errorf("the tag says %s but the digest has %d hex digits", text[:i], 2*len(d))
			}
			return hashLine{Algo: tag, Digest: d, Name: text[i+2 : j], Form: formBSD}, nil
		}
	}
	hexPart, name, hasName := strings.Cut(text, " ")
	d, err := decodeDigest(hexPart)
	if err != nil {
		return hashLine{}, err
	}
	algo, ok := digestLen[len(d)]
	if !ok {
		return hashLine{}, fmt.Errorf("a digest of %d hex digits is no MD5, SHA-1, SHA-256 or SHA-512", 2*len(d))
	}
	if !hasName {
		return hashLine{Algo: algo, Digest: d, Form: formBare}, nil
	}
	// GNU: the separator is two spaces (text mode) or " *" (binary mode).
	switch {
	case strings.HasPrefix(name, " "), strings.HasPrefix(name, "*"):
		name = name[1:]
	default:
		return hashLine{}, errors.New("the digest and the file name must be separated by two spaces or \" *\" (GNU form)")
	}
	if name == "" {
		return hashLine{}, errors.New("the GNU line names no file")
	}
	return hashLine{Algo: algo, Digest: d, Name: name, Form: formGNU}, nil
}

func decodeDigest(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("there is no digest")
	}
	d, err := hex.DecodeString(s)
	if err != nil || len(s)%2 != 0 {
		return nil, fmt.Errorf("%q is not a hexadecimal digest", truncate(s, 40))
	}
	return d, nil
}
