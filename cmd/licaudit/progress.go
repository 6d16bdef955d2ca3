package main

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/licaudit/licaudit/verify"
	"github.com/schollz/progressbar/v3"
)

// progress shows bundles done of total, bytes done and the rate on stderr.
type progress struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	done  int
	total int
}

// longWork is when a progress display is worth showing: many bundles or a
// large amount of data.
const (
	longWorkInputs = 20
	longWorkBytes  = 256 << 20
)

// newProgress returns a progress display when stderr is a terminal and the
// work is long, nil otherwise (nothing is ever drawn on a pipe or file).
func newProgress(stderr *os.File, inputs []verify.Input) *progress {
	if !isTerminal(stderr) {
		return nil
	}
	var size int64
	for _, in := range inputs {
		size += in.Size
	}
	if len(inputs) < longWorkInputs && size < longWorkBytes {
		return nil
	}
	p := &progress{total: len(inputs)}
	p.bar = progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetDescription(p.describe()),
	)
	return p
}

func (p *progress) describe() string { return fmt.Sprintf("bundles %d/%d", p.done, p.total) }

// Start implements verify.Progress.
func (p *progress) Start(int, int64) {}

// Done implements verify.Progress.
func (p *progress) Done(_ string, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.bar.Describe(p.describe())
	p.bar.Add64(bytes)
}

func (p *progress) finish() { p.bar.Finish() }
