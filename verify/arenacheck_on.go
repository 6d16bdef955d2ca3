//go:build arenacheck && linux && (amd64 || arm64 || riscv64 || ppc64le || s390x || loong64)

package verify

import (
	"sync"
	"syscall"
)

// arenaCheck: see arenacheck_off.go. Under this tag a batch's arenas are
// never used again: once the batch is consumed they are made unreadable,
// so any later read of one of its cells (a comparison with a kept cell
// included, which overwriting alone cannot catch) faults in the tests.
const arenaCheck = true

// The arenas are carved in order from one large reservation and never
// given back, so that the kernel merges the retired ones into a single
// mapping instead of keeping one per arena. Linux only, like the tag.
var checkedArenas struct {
	sync.Mutex
	space []byte
	next  int
}

const checkedArenaSpace = 16 << 30 // address space, not memory

func newArena() []byte {
	a := &checkedArenas
	a.Lock()
	defer a.Unlock()
	if a.space == nil {
		b, err := syscall.Mmap(-1, 0, checkedArenaSpace, syscall.PROT_NONE, syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_NORESERVE)
		if err != nil {
			panic(err)
		}
		a.space = b
	}
	if a.next+csvArenaSize > len(a.space) {
		panic("arenacheck: the reserved address space is used up")
	}
	b := a.space[a.next : a.next+csvArenaSize : a.next+csvArenaSize]
	a.next += csvArenaSize
	if err := syscall.Mprotect(b, syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
		panic(err)
	}
	return b[:0]
}

// retireArenas drops the arenas' pages and makes them unreadable.
func retireArenas(bufs [][]byte) {
	for _, b := range bufs {
		b = b[:cap(b)]
		if err := syscall.Madvise(b, syscall.MADV_DONTNEED); err != nil {
			panic(err)
		}
		if err := syscall.Mprotect(b, syscall.PROT_NONE); err != nil {
			panic(err)
		}
	}
}
