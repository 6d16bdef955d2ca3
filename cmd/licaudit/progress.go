package main

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/licaudit/licaudit/verify"
	"github.com/schollz/progressbar/v3"
)

// progress shows on stderr the bundles done of total, the bytes verified
// so far and the rate. The bar advances per bundle; the bytes and the rate
// are sampled from verify.BytesRead several times a second, so they move
// while a single large member is read.
type progress struct {
	mu      sync.Mutex
	bar     *progressbar.ProgressBar
	done    int
	total   int
	started time.Time
	base    int64 // verify.BytesRead when the display started
	stop    chan struct{}
	stopped chan struct{}
}

// longWork is when a progress display is worth showing: many bundles or a
// large amount of data (on disk; inflated it is several times more).
const (
	longWorkInputs = 20
	longWorkBytes  = 64 << 20
	// sampleEvery is how often the bytes and the rate are refreshed.
	sampleEvery = 250 * time.Millisecond
)

// newProgress returns a progress display when stderr is a terminal and the
// work is long, nil otherwise (nothing is ever drawn on a pipe or file).
func newProgress(stderr *os.File, inputs []verify.Input) *progress {
	if !isTerminal(stderr) || !longWork(inputs) {
		return nil
	}
	p := &progress{total: len(inputs), started: time.Now(), base: verify.BytesRead(),
		stop: make(chan struct{}), stopped: make(chan struct{})}
	p.bar = progressbar.NewOptions(len(inputs),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionSetDescription(describeProgress(0, len(inputs), 0, 0)),
	)
	go p.sample()
	return p
}

// longWork says whether verifying inputs takes long enough for a display.
func longWork(inputs []verify.Input) bool {
	var size int64
	for _, in := range inputs {
		size += in.Size
	}
	return len(inputs) >= longWorkInputs || size >= longWorkBytes
}

// describeProgress is the text beside the bar: "3/500 bundles, 1.2 GB
// verified, 410 MB/s".
func describeProgress(done, total int, bytes int64, elapsed time.Duration) string {
	unit := "bundles"
	if total == 1 {
		unit = "bundle"
	}
	s := fmt.Sprintf("%d/%d %s, %s verified", done, total, unit, humanBytes(bytes))
	if secs := elapsed.Seconds(); secs >= 0.5 {
		s += fmt.Sprintf(", %s/s", humanBytes(int64(float64(bytes)/secs)))
	}
	return s
}

// humanBytes writes n in decimal units, as rates of disks and networks are.
func humanBytes(n int64) string {
	const units = "kMGTPE"
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	i := -1
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return fmt.Sprintf("%.1f %cB", f, units[i])
}

// refresh redraws the description; the caller holds p.mu.
func (p *progress) refresh() {
	p.bar.Describe(describeProgress(p.done, p.total, verify.BytesRead()-p.base, time.Since(p.started)))
}

func (p *progress) sample() {
	defer close(p.stopped)
	t := time.NewTicker(sampleEvery)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.refresh()
			p.mu.Unlock()
		}
	}
}

// Start implements verify.Progress.
func (p *progress) Start(int, int64) {}

// Done implements verify.Progress.
func (p *progress) Done(string, int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.refresh()
	p.bar.Add(1)
}

// finish stops the sampling and clears the display.
func (p *progress) finish() {
	close(p.stop)
	<-p.stopped
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar.Finish()
}
