//go:build !(arenacheck && linux && (amd64 || arm64 || riscv64 || ppc64le || s390x || loong64))

package verify

// arenaCheck is set by the arenacheck build tag on 64-bit Linux (make
// test runs the verify and command tests with it too; it reserves 16 GiB
// of address space, more than a 32-bit process has): every CSV member
// read through a member reader is then read ahead in batches of two
// records, and a batch's arenas are made unreadable
// as soon as the batch is consumed (see arenacheck_on.go), so that a cell
// kept past its row without a copy faults in the tests instead of giving a
// rare wrong report.
const arenaCheck = false

func newArena() []byte { return make([]byte, 0, csvArenaSize) }

func retireArenas([][]byte) {}
