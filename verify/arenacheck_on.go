//go:build arenacheck

package verify

// arenaCheck: see arenacheck_off.go.
const arenaCheck = true
