//go:build unix

package registry_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU this process has used (user and system): on a
// machine shared with other work it moves less than the wall clock. It
// leaves out PostgreSQL's server, which runs in processes of its own.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
