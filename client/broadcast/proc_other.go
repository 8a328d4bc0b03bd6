//go:build !linux

package broadcast

import "syscall"

// childAttr has nothing to add outside Linux: children end with their stream (Stop, a
// cancelled context), not with a crash of this process.
func childAttr() *syscall.SysProcAttr { return nil }
