package main

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/licaudit/licaudit/verify"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progress shows on stderr the bundles done of total, the bytes verified
// so far and the rate. The bar advances per bundle; the text beside it is
// made at each redraw from verify.BytesRead, so the bytes and the rate move
// while a single large member is read.
//
// The display is mpb's, not schollz/progressbar's, which links net/http
// (for a progress server licaudit has no use for) and made every start of
// licaudit, shown or not, about 1.5 ms and 170 page faults slower.
type progress struct {
	display *mpb.Progress
	bar     *mpb.Bar
	done    atomic.Int64
	total   int
	started time.Time
	base    int64 // verify.BytesRead when the display started
	redraw  chan any
	stop    chan struct{}
	stopped chan struct{}
}

// longWork is when a progress display is worth showing: many bundles or a
// large amount of data (on disk; inflated it is several times more).
const (
	longWorkInputs = 20
	longWorkBytes  = 64 << 20
)

const (
	// redrawEvery is how often the display is redrawn.
	redrawEvery = 100 * time.Millisecond
	// barWidth is the width of the bar, in columns, before its text.
	barWidth = 24
)

// newProgress returns a progress display when stderr is a terminal and the
// work is long, nil otherwise (nothing is ever drawn on a pipe or file).
func newProgress(stderr *os.File, inputs []verify.Input) *progress {
	if !isTerminal(stderr) || !longWork(inputs) {
		return nil
	}
	p := &progress{total: len(inputs), started: time.Now(), base: verify.BytesRead(),
		redraw: make(chan any), stop: make(chan struct{}), stopped: make(chan struct{})}
	p.display = mpb.New(mpb.WithOutput(stderr), mpb.WithManualRefresh(p.redraw))
	p.bar = p.display.AddBar(int64(len(inputs)),
		mpb.BarWidth(barWidth),
		mpb.BarRemoveOnComplete(),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return p.describe() })),
	)
	go p.redrawUntilStopped()
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

// describe is the text beside the bar now. It runs on the display's
// goroutine at each redraw.
func (p *progress) describe() string {
	return describeProgress(int(p.done.Load()), p.total, verify.BytesRead()-p.base, time.Since(p.started))
}

// redrawUntilStopped draws the display at once, so that the user sees at
// the start what is being verified, and then every redrawEvery.
func (p *progress) redrawUntilStopped() {
	defer close(p.stopped)
	t := time.NewTicker(redrawEvery)
	defer t.Stop()
	for now := time.Now(); ; {
		select {
		case p.redraw <- now:
		case <-p.stop:
			return
		}
		select {
		case now = <-t.C:
		case <-p.stop:
			return
		}
	}
}

// Start implements verify.Progress.
func (p *progress) Start(int, int64) {}

// Done implements verify.Progress.
func (p *progress) Done(string, int64) {
	p.done.Add(1)
	p.bar.Increment()
}

// finish removes the display, whether every bundle was done or not, and
// returns once the terminal line it used is cleared.
func (p *progress) finish() {
	close(p.stop)
	<-p.stopped
	p.bar.Abort(true) // a complete bar is removed already; Abort then does nothing
	p.display.Wait()
}
