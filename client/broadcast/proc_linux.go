package broadcast

import "syscall"

// childAttr kills the child when this process dies (PR_SET_PDEATHSIG), so no ffmpeg outlives
// a crashed program.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
