//go:build !arenacheck

package verify

// arenaCheck is set by the arenacheck build tag (make test runs the verify
// and command tests with it too): every CSV member is then read ahead in
// batches of two records, and a batch's arenas are overwritten before they
// are used again, so that a cell kept past its batch without a copy gives
// wrong findings in the tests instead of a rare wrong report.
const arenaCheck = false
